import { DIAGNOSIS_MEANINGS } from './diagnosis-meanings';

/**
 * The meaning of each code, per OSO code list (codelijst) number, in plain Dutch. Only meanings that a
 * source establishes are here (see docs/decisions.md, "Vocabulary of the rendering"): the implementation
 * notes of the published 2019.1 XSD, the official business-rule validator, the official examples, and
 * public classifications (ICD-10 for diagnoses). A code without an established meaning is absent here
 * and listed in `CODES_WITHOUT_KNOWN_MEANING`; the rendering then shows the code alone.
 */
export const CODE_MEANINGS: Readonly<Record<number, Readonly<Record<string, string>>>> = {
  // 4 Communicatie soort
  4: { 'e-mail': 'e-mailadres', telefoon: 'telefoonnummer' },
  // 5 Communicatie aanduiding
  5: { werk: 'voor het werk', prive: 'privé', overig: 'overig gebruik' },
  // 10 NNCA: culturele achtergrond (XSD note: 0 n.v.t., 1 Nederlands, 2 niet-Nederlands)
  10: {
    '0': 'niet van toepassing',
    '1': 'Nederlandse culturele achtergrond',
    '2': 'niet-Nederlandse culturele achtergrond',
  },
  // 11 Referentiescore: only the score kinds whose name says what they are
  11: {
    DLE: 'didactische leeftijdsequivalent (DLE)',
    Percentiel: 'percentiel',
    Percentage: 'percentage',
    'T-score': 'T-score',
    Stanine: 'stanine (schaal van 1 tot 9)',
    IQ: 'intelligentiequotiënt (IQ)',
    ERK: 'niveau volgens het Europees Referentiekader voor talen (ERK)',
    'C-score': 'C-score',
    AVI: 'AVI-leesniveau',
    Standaardscore: 'standaardscore',
  },
  // 13 Jaargroepen en leerjaren (XSD note: P, 0, 1..8, 11..16, S)
  13: {
    P: 'peutergroep',
    '0': 'groep 0 (basisonderwijs)',
    ...Object.fromEntries(
      ['1', '2', '3', '4', '5', '6', '7', '8'].map((group) => [group, `groep ${group} (basisonderwijs)`]),
    ),
    ...Object.fromEntries(
      ['11', '12', '13', '14', '15', '16'].map((year) => [
        year,
        `leerjaar ${Number(year) - 10} (voortgezet onderwijs)`,
      ]),
    ),
    S: 'speciaal (basis)onderwijs of voortgezet speciaal onderwijs',
  },
  // 14 Geslacht (XSD note: 0 onbekend, 1 vrouw, 2 man; the official examples agree)
  14: { '0': 'onbekend', '1': 'vrouw', '2': 'man' },
  // 15 Gewicht: the weight itself, per the weighting scheme of primary education
  15: {
    '0.00': 'geen extra gewicht (gewichtenregeling)',
    '0.30': 'gewicht 0,3 (gewichtenregeling)',
    '1.20': 'gewicht 1,2 (gewichtenregeling)',
  },
  // 16 Soort overstap: sending sector, then receiving sector
  16: {
    VSPO: 'van voorschool naar primair onderwijs',
    VSWEC: 'van voorschool naar speciaal onderwijs',
    POPO: 'van primair naar primair onderwijs',
    POWEC: 'van primair naar speciaal onderwijs',
    POVO: 'van primair naar voortgezet onderwijs',
    VOVO: 'van voortgezet naar voortgezet onderwijs',
    VOMBO: 'van voortgezet onderwijs naar het mbo',
    VOHBO: 'van voortgezet onderwijs naar het hbo',
    VOWO: 'van voortgezet onderwijs naar de universiteit',
    WECWEC: 'van speciaal naar speciaal onderwijs',
    WECVO: 'van speciaal naar voortgezet onderwijs',
    WECMBO: 'van speciaal onderwijs naar het mbo',
    POSWV: 'van primair onderwijs naar het samenwerkingsverband passend onderwijs',
    VOSWV: 'van voortgezet onderwijs naar het samenwerkingsverband passend onderwijs',
    WECHBO: 'van speciaal onderwijs naar het hbo',
    WECWO: 'van speciaal onderwijs naar de universiteit',
    OVERIG: 'andere overstap',
  },
  // 17 RVC indicatie
  17: { LWOO: 'leerwegondersteunend onderwijs', PRO: 'praktijkonderwijs' },
  // 18 Huisnummer aanduiding (as in the personal records: "tegenover", "bij")
  18: { TO: 'tegenover', BY: 'bij' },
  // 19 Soort adres
  19: {
    bezoek: 'bezoekadres',
    post: 'postadres',
    gba: 'woonadres volgens de basisregistratie personen',
  },
  // 22 Vergelijkingsgroep: the learning paths of secondary education, or the whole country
  22: {
    BB: 'vmbo basisberoepsgerichte leerweg',
    KB: 'vmbo kaderberoepsgerichte leerweg',
    GT: 'vmbo gemengde of theoretische leerweg',
    HAVO: 'havo',
    VWO: 'vwo',
    Landelijk: 'alle leerlingen in het land',
  },
  23: DIAGNOSIS_MEANINGS,
  // 29 Overdrachtsoort
  29: {
    overstapdossier: 'overstap naar een andere school',
    overdrachtbinnenbrin: 'overdracht binnen dezelfde school',
    'swv-dossier': 'dossier voor het samenwerkingsverband passend onderwijs',
  },
  // 31 TLV bekostigingscategorie (XSD note: H, M, L, Nvt)
  31: { H: 'hoog', M: 'midden', L: 'laag', Nvt: 'niet van toepassing' },
  // 33 Deeldossiertype: which parts of the school's systems the dossier comes from
  33: {
    LAS: 'uit de leerlingadministratie',
    LVS: 'uit het leerlingvolgsysteem',
    LASLVS: 'uit de leerlingadministratie en het leerlingvolgsysteem',
  },
  // 35 Examenuitslag
  35: { geslaagd: 'geslaagd', afgewezen: 'afgewezen (niet geslaagd)', herexamen: 'herexamen' },
  // 36 Beoordeling examenvak
  36: { voldoende: 'voldoende', onvoldoende: 'onvoldoende' },
  // 37 Akkoord
  37: { Ja: 'ja', Nee: 'nee', Onbekend: 'niet bekend' },
  // 41 Relatie tot kind (XSD note names 1, 2 and 3 only)
  41: { '1': 'vader', '2': 'moeder', '3': 'voogd' },
  // 42 Soort eindtoets (XSD note names 0011, 0012 and 0013 only)
  42: { '0011': 'Centrale Eindtoets', '0012': 'Route 8', '0013': 'IEP Eindtoets' },
  // 44 Wettelijke ontheffing eindtoets
  44: { J: 'ja, wettelijke ontheffing', N: 'nee, geen ontheffing' },
  // 45 Eindtoets referentieniveaus (XSD note: 01..04)
  45: {
    '01': 'lager dan 1F',
    '02': 'referentieniveau 1F',
    '03': 'referentieniveau 1S',
    '04': 'referentieniveau 2F',
  },
  // 46 Eindtoets onderdeelcode and 47 domeincode (XSD notes)
  46: { '8000': 'Taal', '8001': 'Rekenen' },
  47: { '8050': 'Lezen', '8051': 'Taalverzorging' },
  // 48 Categorie uitlevering
  48: {
    VERPLICHT: 'moet worden meegestuurd',
    OPTIONEEL: 'mag worden meegestuurd',
    VERBODEN: 'mag niet worden meegestuurd',
    'OPT-UIT': 'niet meegestuurd door keuze van de school (opt-out)',
  },
};
