import { CODE_LISTS } from '@app/oso-dataset/codelists';

/** Every code of a list none of whose codes has a known meaning. */
function codesOfList(list: number): readonly string[] {
  return CODE_LISTS.find((entry) => entry.list === list)?.codes ?? [];
}

/**
 * The codes of the checked code lists whose meaning no source available to the project establishes, per
 * list number. The rendering shows these codes alone, never a guessed meaning. The spec holds this list to
 * exactly the codes of `CODE_LISTS` that have no meaning in `CODE_MEANINGS`, so filling in a meaning
 * (once the published "OSO codelijsten" document gives it) means moving the code from here to there.
 */
export const CODES_WITHOUT_KNOWN_MEANING: Readonly<Record<number, readonly string[]>> = {
  // 2 Advies VO: DUO's code list of school advice. Neither the XSD nor the validator nor the examples give
  // the level behind a number, and no public source we could reach lists them.
  2: codesOfList(2),
  // 6-9 VVE: toeleider, historie, deelname, programma. The XSD names the lists but none of their values.
  6: codesOfList(6),
  7: codesOfList(7),
  8: codesOfList(8),
  9: codesOfList(9),
  // 11 Referentiescore: abbreviations of score kinds (some test-publisher specific) that no source spells out.
  11: ['AE', 'CAE', 'IV', 'CIV', 'FN', 'ON', 'DQ', 'Norm', 'RNTRM', 'ZML', 'LGH', 'NAZ', 'LM', 'LA'],
  // 21 Profiel: Dutch words, shown as they are; what each profile stands for is defined outside our sources.
  21: ['basis', 'plus', 'bespreek', 'disharmonisch', 'ondersteuning'],
  // 22 Vergelijkingsgroep: "BB+" is not explained by any source (BB itself is).
  22: ['BB+'],
  // 23 Diagnosecode: the list's own extensions of ICD-10 (see diagnosis-meanings.ts).
  23: ['F79.VB', 'F79.ZB', 'HB', 'F84.nld', 'F84.mcdd', 'F90.0+', 'F90.0-', 'Fspd', 'H91.9.d', 'H91.9.s'],
  // 41 Relatie tot kind: the XSD names 1 vader, 2 moeder, 3 voogd; 4 to 9 are not named anywhere we can read.
  41: ['4', '5', '6', '7', '8', '9'],
  // 42 Soort eindtoets: the XSD names 0011-0013; the tests behind 0014 and 0016 are not named.
  42: ['0014', '0016'],
  // 43 Niveau eindtoets: the XSD's examples (B, E) are not in the checked list; "G" is not explained.
  43: ['G'],
};
