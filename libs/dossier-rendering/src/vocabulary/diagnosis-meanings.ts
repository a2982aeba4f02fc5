/**
 * Code list 23 (Diagnosecode): the codes that are ICD-10 codes, with the meaning of that ICD-10 category
 * in plain Dutch (the WHO classification is the source). The list's own extensions of ICD-10 (suffixes
 * such as `.VB`, `.nld`, `+`/`-`, and codes like `HB` and `Fspd`) have no established meaning in our
 * sources and are in `CODES_WITHOUT_KNOWN_MEANING` instead: reading a meaning into a suffix would be a
 * guess, and a wrong diagnosis label is worse than the bare code.
 */
export const DIAGNOSIS_MEANINGS: Readonly<Record<string, string>> = {
  F80: 'spraak- of taalontwikkelingsstoornis',
  'F81.0': 'leesstoornis (dyslexie)',
  'F81.1': 'spellingstoornis',
  'F81.2': 'rekenstoornis (dyscalculie)',
  'F81.9': 'leerstoornis, niet nader omschreven',
  F82: 'ontwikkelingsstoornis van de motoriek',
  F84: 'pervasieve ontwikkelingsstoornis (autismespectrum)',
  'F84.0': 'autisme',
  'F84.2': 'syndroom van Rett',
  'F84.5': 'syndroom van Asperger',
  F90: 'aandachtstekort- en hyperactiviteitsstoornis (ADHD en verwante stoornissen)',
  'F90.0': 'stoornis van aandacht en activiteit (ADHD)',
  F91: 'gedragsstoornis',
  'F91.3': 'oppositioneel-opstandige gedragsstoornis',
  F95: 'ticstoornis',
  'F95.2': 'syndroom van Gilles de la Tourette',
  'F41.0': 'paniekstoornis',
  'F43.1': 'posttraumatische stressstoornis (PTSS)',
  'F43.2': 'aanpassingsstoornis',
  F50: 'eetstoornis',
  'F92.0': 'gedragsstoornis met depressieve klachten',
  'F93.1': 'fobische angststoornis in de kindertijd',
  F94: 'stoornis in het sociaal functioneren, begonnen in de kindertijd',
  G40: 'epilepsie',
  'H54.0': 'blindheid aan beide ogen',
  'H54.2': 'slechtziendheid aan beide ogen',
  Z62: 'problemen in de opvoeding',
};
