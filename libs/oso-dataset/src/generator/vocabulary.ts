/**
 * Names, places and phrases the generator draws from. Written for this project: common Dutch first
 * names and surnames, invented street and school names, and remarks in our own words. Nothing here
 * comes from the official example dossiers (a test checks that no longer text of theirs turns up).
 */
export const FIRST_NAMES = [
  'Anouk',
  'Bram',
  'Chaima',
  'Daan',
  'Emma',
  'Fenna',
  'Gijs',
  'Hamza',
  'Isa',
  'Jesse',
  'Kiki',
  'Lars',
  'Milan',
  'Noor',
  'Olivier',
  'Puck',
  'Quinten',
  'Roos',
  'Sem',
  'Tess',
  'Umut',
  'Vera',
  'Wout',
  'Yara',
  'Zoë',
  'Luuk',
  'Sanne',
  'Thijs',
  'Lieke',
  'Mees',
  'Nina',
  'Ravi',
  'Sofie',
  'Teun',
  'Ilse',
  'Jasmijn',
];

export const PARENT_FIRST_NAMES = [
  'Annemiek',
  'Bas',
  'Carla',
  'Dennis',
  'Esther',
  'Frank',
  'Gerda',
  'Hans',
  'Ingrid',
  'Joost',
  'Karin',
  'Leon',
  'Marieke',
  'Nadia',
  'Paul',
  'Rachida',
  'Sander',
  'Tamara',
  'Vincent',
  'Wendy',
  'Yusuf',
];

/** Surnames, some with a voorvoegsel, as [voorvoegsel, achternaam]. */
export const SURNAMES: ReadonlyArray<readonly [string | undefined, string]> = [
  [undefined, 'Jansen'],
  [undefined, 'Bakker'],
  ['de', 'Vries'],
  [undefined, 'Visser'],
  [undefined, 'Smit'],
  ['van', 'Dijk'],
  [undefined, 'Meijer'],
  ['de', 'Boer'],
  [undefined, 'Mulder'],
  ['de', 'Groot'],
  [undefined, 'Bos'],
  [undefined, 'Vos'],
  [undefined, 'Peters'],
  [undefined, 'Hendriks'],
  ['van', 'Leeuwen'],
  [undefined, 'Dekker'],
  [undefined, 'Brouwer'],
  ['de', 'Wit'],
  [undefined, 'Dijkstra'],
  [undefined, 'Yilmaz'],
  ['van der', 'Linden'],
  [undefined, 'Kramer'],
  ['van', 'Wijk'],
  [undefined, 'El Amrani'],
  [undefined, 'Koster'],
  [undefined, 'Prins'],
  ['van den', 'Heuvel'],
  [undefined, 'Postma'],
  [undefined, 'Kuipers'],
  [undefined, 'Veenstra'],
];

/** Invented streets: a tree, bird, flower or trade with a common suffix. */
export const STREET_STEMS = [
  'Berken',
  'Eiken',
  'Linden',
  'Wilgen',
  'Merel',
  'Lijster',
  'Zwaluw',
  'Reiger',
  'Tulp',
  'Krokus',
  'Narcis',
  'Smids',
  'Bakkers',
  'Molen',
  'Sluis',
  'Dijk',
  'Haven',
  'Beemd',
  'Esdoorn',
  'Klaver',
  'Hazel',
  'Vlier',
];
export const STREET_SUFFIXES = ['straat', 'laan', 'weg', 'hof', 'plein', 'pad', 'singel', 'kade'];

/** Places with their municipality and the first two digits of their postcodes. */
export const PLACES: ReadonlyArray<{ plaats: string; gemeente: string; postcode: string }> = [
  { plaats: 'Zwolle', gemeente: 'Zwolle', postcode: '80' },
  { plaats: 'Deventer', gemeente: 'Deventer', postcode: '74' },
  { plaats: 'Leiden', gemeente: 'Leiden', postcode: '23' },
  { plaats: 'Haarlem', gemeente: 'Haarlem', postcode: '20' },
  { plaats: 'Assen', gemeente: 'Assen', postcode: '94' },
  { plaats: 'Breda', gemeente: 'Breda', postcode: '48' },
  { plaats: 'Tilburg', gemeente: 'Tilburg', postcode: '50' },
  { plaats: 'Ede', gemeente: 'Ede', postcode: '67' },
  { plaats: 'Gouda', gemeente: 'Gouda', postcode: '28' },
  { plaats: 'Hoorn', gemeente: 'Hoorn', postcode: '16' },
  { plaats: 'Venlo', gemeente: 'Venlo', postcode: '59' },
  { plaats: 'Sneek', gemeente: 'Súdwest-Fryslân', postcode: '86' },
  { plaats: 'Emmen', gemeente: 'Emmen', postcode: '78' },
  { plaats: 'Goes', gemeente: 'Goes', postcode: '44' },
];

export const SCHOOL_NAME_STEMS = [
  'De Vlinderboom',
  'Het Kompas',
  'De Wegwijzer',
  'De Sterrenwachter',
  'Het Klaverblad',
  'De Vuurtoren',
  'De Boomgaard',
  'Het Palet',
  'De Zandloper',
  'De Windroos',
  'Het Anker',
  'De Vliegeraar',
];

export const SCHOOL_KIND_LABELS: Record<string, string> = {
  PO: 'Basisschool',
  SO: 'School voor speciaal onderwijs',
  VO: 'Scholengemeenschap',
  VSO: 'School voor voortgezet speciaal onderwijs',
  VS: 'Peuteropvang',
};

export const TEACHER_NAMES = ['J. Kok', 'M. Hoekstra', 'A. Sahin', 'R. van Beek', 'L. Wolters', 'S. Bouma'];

/** Short remarks a school writes for the next school (aandachtspunten, argumentatie). */
export const ADVICE_ARGUMENTS = [
  'Leert snel en zelfstandig; plant het eigen werk goed.',
  'Heeft baat bij duidelijke afspraken en een vaste plek in de klas.',
  'Sterk in taal, rekenen kost meer moeite; oefent trouw.',
  'Werkt graag samen en toont inzet bij projecten.',
  'Kan zich goed concentreren als de opdracht helder is opgedeeld.',
];

export const ATTENTION_POINTS = [
  'Geef tijd om te wennen aan een nieuwe groep.',
  'Let op de planning bij grotere opdrachten.',
  'Leest graag; stimuleer dat vooral.',
  'Heeft korte pauzes nodig bij lange toetsen.',
];

/** The parents' reason when they do not agree with the dossier (redennietakkoord): their zienswijze. */
export const PARENT_OBJECTIONS = [
  'Wij herkennen het beeld van de werkhouding niet; thuis werkt ons kind geconcentreerd.',
  'Het verslag over het verzuim is onvolledig: de afwezigheid was met de school afgesproken.',
  'Wij vinden het advies te laag en vragen de nieuwe school om een eigen gesprek.',
  'De beschrijving van het gedrag in de groep is volgens ons te eenzijdig.',
];

export const SUPPORT_PLAN_GOALS = [
  'Begrijpend lezen: tekststructuur herkennen',
  'Rekenen: automatiseren van de tafels',
  'Sociaal-emotioneel: hulp vragen op tijd',
  'Werkhouding: taken zelf plannen',
];

/** Words for the text of attachments; the content is filler, not a real report. */
export const FILLER_WORDS = [
  'leerling',
  'groep',
  'werkt',
  'samen',
  'lezen',
  'rekenen',
  'taal',
  'planning',
  'gesprek',
  'ouders',
  'voortgang',
  'doel',
  'periode',
  'oefenen',
  'aandacht',
  'resultaat',
  'toets',
  'week',
  'afspraak',
  'klas',
];

export const TEST_CATALOGUE: ReadonlyArray<{ code: string; leergebied: string; naam: string }> = [
  { code: 'GEN-REK-M6', leergebied: 'Rekenen-Wiskunde', naam: 'Rekenen midden 6' },
  { code: 'GEN-BL-E5', leergebied: 'Begrijpend lezen', naam: 'Begrijpend lezen eind 5' },
  { code: 'GEN-SP-M7', leergebied: 'Spelling', naam: 'Spelling midden 7' },
  { code: 'GEN-TV-E6', leergebied: 'Technisch lezen', naam: 'Woorden lezen eind 6' },
];

export const SUBJECTS = [
  'Nederlands',
  'Engels',
  'Wiskunde',
  'Geschiedenis',
  'Biologie',
  'Lichamelijke opvoeding',
];
