import { deflateRawSync } from 'node:zlib';
import {
  describeOnOfficialExamples,
  officialExample,
  officialExampleByFileName,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { readDossierTree } from '../read-dossier-tree';
import { applyRules } from '../review-dossier';
import { CODE_LISTS } from '../codelists';
import { endsWithPath } from '../dossier-element';
import { ALL_RULES, rulesFor } from './all-rules';
import { DossierUnderReview, RuleBundle } from './dossier-under-review';
import { passesElfproef } from './pupil.rules';
import { oldestAllowedTestDate } from './tests.rules';

/**
 * Every rule against the official examples (none may fire) and against mutations of them made here in
 * code (each must fire); those suites need the examples (test/support/official-examples.ts). The rules run
 * on the same tree the engine gives them; the schema is tested through the built `oso validate`
 * (test/processes/oso-validate.e2e-spec.ts). Our own generated dossiers break each rule too
 * (libs/oso-dataset/src/generator), so a plain clone still proves every rule can fire.
 */
const example = officialExample;
const TODAY = '2026-11-22';
const BUNDLES: RuleBundle[] = ['OV', 'PaO'];

function findings(xml: string, ruleSet: 'official' | 'strict' = 'strict') {
  const bytes = Buffer.from(xml, 'utf8');
  return applyRules(bytes, readDossierTree(bytes), ruleSet, TODAY);
}
const errorRules = (xml: string, ruleSet: 'official' | 'strict' = 'strict') =>
  findings(xml, ruleSet).errors.map((error) => error.rule);

/** Replaces exactly one occurrence, so a mutation never silently does nothing. */
function mutate(xml: string, from: string | RegExp, to: string): string {
  const count =
    typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(new RegExp(from, 'g')) ?? []).length;
  if (count < 1) throw new Error(`mutation target not found: ${from}`);
  return xml.replace(from, to);
}

describeOnOfficialExamples('business rules on the official examples', () => {
  const names = officialExampleNames();

  it('finds all twelve examples', () => expect(names).toHaveLength(12));

  it.each(names)('%s breaks no rule, in either rule set', (name) => {
    const xml = officialExampleByFileName(name);
    expect(errorRules(xml, 'official')).toEqual([]);
    expect(errorRules(xml, 'strict')).toEqual([]);
  });
});

describe('the rule catalogue', () => {
  it('has unique rule ids, and our own rules only in the strict set', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const bundle of BUNDLES) {
      expect(rulesFor('official', bundle).some((rule) => rule.id.startsWith('BRK.'))).toBe(false);
      expect(rulesFor('strict', bundle)).toEqual(ALL_RULES);
    }
  });
});

describe('where the official validator runs each rule', () => {
  /**
   * Read off the official XSLT (2018.1, the newest published; 2017.1.2 is the same here): the OV
   * bundle's pupil template applies no templates, so its templates for verzorger, overstapadvies,
   * eindtoets_basisonderwijs, toets, resultaat, toetsscore and score are never reached. Written out
   * here, not derived from the rules, so a rule that changes bundle has to change this list too.
   */
  const STANDARD_RULES_NOT_RUN_OFFICIALLY = [
    'OVa.OV03',
    'OVb.OV01',
    'OVa.OA02',
    'OVa.OA03',
    'OVa.OA04',
    'OVa.OA05',
    'OVa.EB02',
    'OVa.EB03',
    'OVa.EB04',
    'OVa.TR04',
    'OVa.TR05',
    'OVa.TR06',
    'OVa.CL01',
  ];

  const bundlesOf = (id: string) =>
    BUNDLES.filter((bundle) => rulesFor('official', bundle).some((rule) => rule.id === id));

  it('runs no rule of the standard officially that the official validator does not reach', () => {
    const notRun = ALL_RULES.filter((rule) => !rule.id.startsWith('BRK.') && bundlesOf(rule.id).length === 0);
    expect(notRun.map((rule) => rule.id).sort()).toEqual([...STANDARD_RULES_NOT_RUN_OFFICIALLY].sort());
  });

  it('runs every other rule of the standard in the bundle its id names; the shared part in both', () => {
    for (const rule of ALL_RULES) {
      if (rule.id.startsWith('BRK.') || STANDARD_RULES_NOT_RUN_OFFICIALLY.includes(rule.id)) continue;
      const expected = /^OV[ab]\./.test(rule.id) ? ['OV'] : /^PaO\./.test(rule.id) ? ['PaO'] : ['OV', 'PaO'];
      expect([rule.id, bundlesOf(rule.id)]).toEqual([rule.id, expected]);
    }
  });

  it('declares it on every rule of the standard, and on none of ours', () => {
    for (const rule of ALL_RULES) {
      expect([rule.id, rule.officialIn === undefined]).toEqual([rule.id, rule.id.startsWith('BRK.')]);
    }
  });
});

/** Like `mutate`, but only in the part of the dossier after the first `anchor` (e.g. `<leerling>`). */
function mutateAfter(xml: string, anchor: string, from: string | RegExp, to: string): string {
  const start = xml.indexOf(anchor);
  if (start < 0) throw new Error(`anchor not found: ${anchor}`);
  return xml.slice(0, start) + mutate(xml.slice(start), from, to);
}

const element = (name: string) => new RegExp(`<${name}>[\\s\\S]*?</${name}>`);
const lastOf = (name: string) => new RegExp(`<${name}>[\\s\\S]*</${name}>`);

describeOnOfficialExamples('each rule fires on a mutation of an official example that breaks it', () => {
  const povo = example('OV_POVO_full');
  const popo = example('OV_POPO_full');
  const vovo = example('OV_VOVO_full');
  const bb = example('OV_BB_full');
  const poswv = example('PaO_POSWV_full');
  const voswv = example('PaO_VOSWV_full');
  const povoFromPrimarySchool = mutate(povo, '<soort>SO</soort>', '<soort>BAO</soort>');
  const withoutVerzorgers = (xml: string) => mutate(xml, lastOf('verzorger'), '');
  const noEindtoetsTaken = mutate(povo, '<deelgenomen>true<', '<deelgenomen>false<');
  const category = (name: string, value: string) =>
    [new RegExp(`<${name}>[A-Z-]+</${name}>`), `<${name}>${value}</${name}>`] as const;

  /** [rule, dossier, replace this, by this, only after this anchor (optional)] */
  const cases: Array<[string, string, string | RegExp, string, string?]> = [
    // metadata and versions
    ['OVa.MD01', povo, '<deeldossier>LASLVS<', '<deeldossier>LVS<'],
    ['PaO.MD01', poswv, '<deeldossier>LASLVS<', '<deeldossier>TIB<'],
    ['OVa.MD02', povo, '<validatieversie>2019.1.1<', '<validatieversie>2019.1.2<'],
    ['OVa.MD02', bb, '<validatieversie>2019.1.1<', '<validatieversie>2017.1.2<'],
    ['PaO.MD02', poswv, '<validatieversie>2019.1.1<', '<validatieversie>2019.2<'],
    ['OVa.MD03', povo, element('categorie_uitlevering'), ''],
    ['OVb.MD03', bb, element('categorie_uitlevering'), ''],
    ['PaO.MD03', poswv, element('categorie_uitlevering'), ''],
    ['BRK.META.01', povo, /<datum>[^<]*<\/datum>/, '<datum>2099-01-01</datum>'],
    [
      'BRK.META.03',
      povo,
      '<huisarts>',
      '<huisarts xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="verzorgerType">',
    ],
    // profile and kind of transfer
    ['OVa.OS01', povo, '<overstap>POVO</overstap>', ''],
    ['OVa.OS02', povo, '<overstap>POVO<', '<overstap>VOMBO<'],
    ['OVa.OS03', povo, '<overdrachtsoort>overstapdossier<', '<overdrachtsoort>swv-dossier<'],
    ['OVa.OS03', bb, '<overdrachtsoort>overdrachtbinnenbrin<', '<overdrachtsoort>swv-dossier<'],
    ['PaO.SO03', poswv, '<overdrachtsoort>swv-dossier<', '<overdrachtsoort>overstapdossier<'],
    ['PaO.SO03', povo, '<overstap>POVO<', '<overstap>POSWV<'],
    ['OVa.VV01', popo, '<overstap>POPO<', '<overstap>POVO<'],
    ['OVa.VV02', popo, '<overstap>POPO<', '<overstap>VOVO<'],
    ['PaO.VV01', poswv, '<overstap>POSWV<', '<overstap>VOSWV<'],
    ['PaO.VV02', poswv, '<overstap>POSWV<', '<overstap>VOSWV<'],
    ['PaO.VV03', poswv, '<overstap>POSWV<', '<overstap>VOSWV<'],
    ['PaO.VV04', poswv, '<overstap>POSWV<', '<overstap>VOSWV<'],
    ['PaO.EB01', voswv, '<overstap>VOSWV<', '<overstap>POSWV<'],
    ...(['PaO.VM01', 'PaO.VM02', 'PaO.VM03', 'PaO.VM04', 'PaO.VM05', 'PaO.VM06'].map((rule) => [
      rule,
      voswv,
      '<overstap>VOSWV<',
      '<overstap>POSWV<',
    ]) as Array<[string, string, string, string]>),
    [
      'PaO.VM07',
      poswv,
      '</leerling>',
      '<overigvombo><beroepskeuzetest>true</beroepskeuzetest><portfolio>false</portfolio><pop>false</pop><motivatiebrief>false</motivatiebrief><lobdossier>false</lobdossier></overigvombo></leerling>',
    ],
    // inzage
    ['OVa.IZ01', povo, /<inzage>\s*<voorlopigdossier>[\s\S]*?<\/toestemming>\s*<\/inzage>/, ''],
    ['OVa.IZ02', povo, '<inzage>true</inzage>', '<inzage>false</inzage>'],
    ['OVa.IZ02', povo, '<inzage>true</inzage>', ''],
    ['OVa.IZ03', povo, /<inzagedatum>[^<]*<\/inzagedatum>/, ''],
    ['OVa.IZ04', povo, /<akkoord>[^<]*<\/akkoord>/, ''],
    ['OVa.IZ05', vovo, /<toestemming>[^<]*<\/toestemming>/, ''],
    ['BRK.IZ.01', povo, /<redennietakkoord>[^<]*<\/redennietakkoord>/, ''],
    // school
    ['OVa.SL01', povo, element('adreslijst'), ''],
    ['OVa.SL02', povo, element('communicatielijst'), ''],
    ['PaO.SL01', poswv, element('adreslijst'), ''],
    ['PaO.SL02', poswv, element('communicatielijst'), ''],
    // pupil identity
    ['OVa.LL01', povo, /(<voornaam>[^<]*<\/voornaam>\s*)+/, '', '<leerling>'],
    ['PaO.LL01', poswv, /(<voornaam>[^<]*<\/voornaam>\s*)+/, '', '<leerling>'],
    ['OVa.LL02', povo, /<geboortedatum>[^<]*<\/geboortedatum>/, '', '<leerling>'],
    ['PaO.LL02', poswv, /<geboortedatum>[^<]*<\/geboortedatum>/, '', '<leerling>'],
    ['OVa.LL04', povo, '<adresgeheim>false</adresgeheim>', '', '<leerling>'],
    ['PaO.LL04', poswv, '<adresgeheim>false</adresgeheim>', '', '<leerling>'],
    [
      'OVa.LL05',
      mutateAfter(povo, '<leerling>', element('adreslijst'), ''),
      /<adresbuitenland>[^<]*<\/adresbuitenland>/,
      '',
    ],
    [
      'PaO.LL05',
      mutateAfter(poswv, '<leerling>', element('adreslijst'), ''),
      /<adresbuitenland>[^<]*<\/adresbuitenland>/,
      '',
    ],
    ['OVa.LL12', povo, /<bsn>[0-9]+<\/bsn>/, ''],
    ['OVa.LL13', povo, /<leerlingid>[^<]*<\/leerlingid>/, ''],
    ['OVa.LL14', povo, /<datuminschrijving>[^<]*<\/datuminschrijving>/, ''],
    ['OVa.SB01', povo, element('schoolloopbaanlijst'), ''],
    ['PaO.SB01', poswv, element('schoolloopbaanlijst'), ''],
    ['BRK.LL.01', povo, /<bsn>[0-9]+<\/bsn>/, '<bsn>123456789</bsn>'],
    // privacy masking
    ...(
      [
        ['OVa.LL03', povo],
        ['OVb.LL01', bb],
        ['PaO.LL03', poswv],
      ] as const
    ).map(
      ([rule, xml]) =>
        [
          rule,
          xml,
          /<geboortedatum>[^<]*<\/geboortedatum>/,
          '<geboortemaand>2003-03</geboortemaand>',
          '<leerling>',
        ] as [string, string, RegExp, string, string],
    ),
    ...(
      [
        ['OVa.LL07', povo],
        ['OVb.LL03', bb],
        ['PaO.LL07', poswv],
      ] as const
    ).map(
      ([rule, xml]) =>
        [rule, xml, '<leerlingid>', '<postcode4adres>7311</postcode4adres><leerlingid>'] as [
          string,
          string,
          string,
          string,
        ],
    ),
    ['OVa.LL10', povo, '<leerlingid>', '<geboorteplaats>Apeldoorn</geboorteplaats><leerlingid>'],
    ['PaO.LL10', poswv, '<leerlingid>', '<geboorteplaats>Apeldoorn</geboorteplaats><leerlingid>'],
    ['OVa.LL11', povo, '<leerlingid>', '<nationaliteit>0001</nationaliteit><leerlingid>'],
    ['PaO.LL11', poswv, '<leerlingid>', '<nationaliteit>0001</nationaliteit><leerlingid>'],
    ['PaO.LL12', poswv, '<leerlingid>', '<bsn>269326728</bsn><leerlingid>'],
    ['PaO.LL12', poswv, '<leerlingid>', '<onderwijsnummer>100000009</onderwijsnummer><leerlingid>'],
    ...(
      [
        ['OVa.LL06', povo],
        ['OVa.LL09', povo],
        ['OVb.LL02', bb],
        ['OVb.LL05', bb],
        ['PaO.LL06', poswv],
        ['PaO.LL09', poswv],
      ] as const
    ).map(
      ([rule, xml]) =>
        [rule, xml, '<adresgeheim>false<', '<adresgeheim>true<', '<leerling>'] as [
          string,
          string,
          string,
          string,
          string,
        ],
    ),
    ...(
      [
        ['OVa.OV03', povo],
        ['OVb.OV01', bb],
        ['PaO.OV03', poswv],
      ] as const
    ).map(
      ([rule, xml]) =>
        [rule, xml, '<adresgeheim>false<', '<adresgeheim>true<', '<verzorger>'] as [
          string,
          string,
          string,
          string,
          string,
        ],
    ),
    ...(
      [
        ['OVa.LL08', povo],
        ['OVb.LL04', bb],
        ['PaO.LL08', poswv],
      ] as const
    ).map(([rule, xml]) => [rule, xml, '>9999999999<', '>0612345678<'] as [string, string, string, string]),
    ['OVa.LL08', povo, '<geheim>false<', '<geheim>true<', '<leerling>'],
    ['PaO.OV05', poswv, '</verzorger>', '<banknummer>NL91ABNA0417164300</banknummer></verzorger>'],
    // verzorgers
    ['OVa.LL15', povo, /<verzorgersaansprakelijk>[^<]*<\/verzorgersaansprakelijk>/, ''],
    ['OVa.AI01', povo, element('aansprakelijkeinstelling'), ''],
    ['OVa.AI01', popo, element('aansprakelijkeinstelling'), ''],
    [
      'OVa.OV01',
      withoutVerzorgers(povo),
      '<verzorgersaansprakelijk>false<',
      '<verzorgersaansprakelijk>true<',
    ],
    ['PaO.OV01', withoutVerzorgers(poswv), '<verzorgersaansprakelijk>false<', '<verzorgersaansprakelijk>1<'],
    // A date of death while the marker is absent, or says otherwise (OG.04 runs in both bundles).
    ['OG.04', povo, /<overleden>true<\/overleden>\s*(<overlijdensdatum>)/, '$1'],
    ['OG.04', povo, /<overleden>true<\/overleden>(\s*<overlijdensdatum>)/, '<overleden>false</overleden>$1'],
    ['OG.04', bb, /<overleden>true<\/overleden>(\s*<overlijdensdatum>)/, '<overleden>0</overleden>$1'],
    ['OG.04', poswv, /<overleden>true<\/overleden>\s*(<overlijdensdatum>)/, '$1'],
    // overstapadvies
    ['OVa.OA01', povo, element('overstapadvies'), ''],
    ['OVa.OA02', povoFromPrimarySchool, /<advies>[^<]*<\/advies>/, ''],
    ['OVa.OA03', povo, '<contactnodig>true</contactnodig>', ''],
    ['OVa.OA04', povo, /<contactpersoon>[^<]*<\/contactpersoon>/, '', '<overstapadvies>'],
    ['OVa.OA05', povo, /<contacttelefoon>[^<]*<\/contacttelefoon>/, ''],
    // tests and eindtoets
    ['OVa.EB02', povo, element('eindtoetsresultaat'), ''],
    ['OVa.EB03', noEindtoetsTaken, element('eindtoetsresultaat'), ''],
    ['OVa.EB04', povo, /<toets_advies>[^<]*<\/toets_advies>/, ''],
    ['OVa.TR04', povo, /<afnamedatum>[^<]*<\/afnamedatum>/, '<afnamedatum>2013-07-31</afnamedatum>'],
    ['OVa.TR05', povo, element('resultaat'), '<resultaat></resultaat>'],
    ['OVa.TR06', povo, element('toetsscore'), '<toetsscore></toetsscore>'],
    ['OVa.CL01', povo, element('score'), '<score></score>'],
    ['PaO.TR01', poswv, element('resultaat'), '<resultaat></resultaat>'],
    ['PaO.TR02', poswv, element('toetsscore'), '<toetsscore></toetsscore>'],
    ['PaO.CL01', poswv, element('score'), '<score></score>'],
    ['BRK.TS.01', povo, /<datum_afname>[^<]*<\/datum_afname>/, '<datum_afname>2099-04-28</datum_afname>'],
    ['BRK.TS.01', povo, /<afnamedatum>[^<]*<\/afnamedatum>/, '<afnamedatum>2099-04-10</afnamedatum>'],
    // field formats
    ['OG.01', povo, '>testschool@kennisnet.nl<', '>testschool(at)kennisnet<'],
    ['OG.01', povo, '>testschool@kennisnet.nl<', '>@a.b<'],
    ['OG.03', vovo, '<lwoo_einddatum>2018-07-31<', '<lwoo_einddatum>2018-06-30<'],
    // the category table: VERBODEN and OPT-UIT hold nothing, VERPLICHT is there
    ['OS.cat01', povo, ...category('cat_metadata', 'OPT-UIT')],
    ['OS.cat02', povo, ...category('cat_ouderinzage', 'OPT-UIT')],
    ['OS.cat05', povo, ...category('cat_oudersverzorgers', 'VERBODEN')],
    ['OS.cat05', withoutVerzorgers(povo), ...category('cat_oudersverzorgers', 'OPT-UIT')],
    ['OS.cat06', popo, ...category('cat_vve', 'VERBODEN')],
    ['OS.cat07', povo, ...category('cat_schoolloopbaan', 'OPT-UIT')],
    ['OS.cat07', example('OV_POVO_opt_out'), element('schoolloopbaanlijst'), ''],
    ['OS.cat08', povo, ...category('cat_overstapadvies', 'OPT-UIT')],
    ['OS.cat09', povo, ...category('cat_onderwijsondersteuning', 'OPT-UIT')],
    ['OS.cat10', povo, ...category('cat_verzuim', 'OPT-UIT')],
    ['OS.cat11', povo, ...category('cat_eindtoetsbo', 'VERBODEN')],
    ['OS.cat12', povo, ...category('cat_toetsresultaten', 'OPT-UIT')],
    ['OS.cat13', povo, ...category('cat_handelingsplannen', 'OPT-UIT')],
    ['OS.cat14', povo, ...category('cat_cijferlijsten', 'OPT-UIT')],
    ['OS.cat15', vovo, ...category('cat_vombo', 'OPT-UIT')],
    ['OS.cat16', povo, ...category('cat_bijlagedocs', 'OPT-UIT')],
    ['OS.cat16', example('OV_POVO_opt_out'), ...category('cat_bijlagedocs', 'VERPLICHT')],
    ['BRK.CAT.01', povo, ...category('cat_overstapadvies', 'OPTIONEEL')],
    // attachments
    ['BRK.ATT.01', povo, /<bestandsinhoud>[A-Za-z0-9+/]{8}/, '<bestandsinhoud>!!!!!!!!'],
    ['BRK.ATT.03', povo, /<bestandsnaam>[^<]*<\/bestandsnaam>/, '<bestandsnaam>script.exe</bestandsnaam>'],
  ];

  // Every row gets all five columns: Jest takes a longer parameter list than the row for a `done` callback.
  const rows = cases.map(([rule, xml, from, to, anchor]) => [rule, xml, from, to, anchor ?? ''] as const);

  it.each(rows)('%s', (rule, xml, from, to, anchor) => {
    expect(errorRules(xml)).toEqual([]);
    const broken = anchor ? mutateAfter(xml, anchor, from, to) : mutate(xml, from, to);
    expect(errorRules(broken)).toContain(rule);
    // Strict runs every rule; official only those the official validator runs in this dossier's bundle
    // (which rules those are is pinned above).
    const bundle = new DossierUnderReview(readDossierTree(Buffer.from(broken)), TODAY).bundle;
    const runsOfficially = ALL_RULES.find((candidate) => candidate.id === rule)!.officialIn?.includes(bundle);
    expect(errorRules(broken, 'official').includes(rule)).toBe(runsOfficially === true);
    // Where the official validator does not run the rule, it accepts the dossier outright.
    if (!runsOfficially) expect(errorRules(broken, 'official')).toEqual([]);
  });

  it('has a breaking case for every rule (code lists have their own, below)', () => {
    const special = ['BRK.META.02', 'BRK.ATT.02', 'BRK.ATT.04'];
    const covered = new Set([...cases.map(([rule]) => rule), ...special]);
    const uncovered = ALL_RULES.map((rule) => rule.id).filter(
      (id) => !id.startsWith('OSO.CL.') && !covered.has(id),
    );
    expect(uncovered).toEqual([]);
  });

  it.each([
    // An SO school need not give a VO advice (the POVO example comes from one).
    ['OVa.OA02', mutate(povo, /<advies>[^<]*<\/advies>/, '')],
    // 1 August two school years back is still allowed for a dossier dated 2 January 2016.
    ['OVa.TR04', mutate(povo, /<afnamedatum>[^<]*<\/afnamedatum>/, '<afnamedatum>2013-08-01</afnamedatum>')],
    // A binnen-BRIN transfer and a swv-dossier are judged by their own rules, not the overstapdossier's.
    ['OVa.LL13', mutate(bb, /<leerlingid>[^<]*<\/leerlingid>/, '')],
    ['OVa.IZ01', mutate(bb, /<inzage>\s*<voorlopigdossier>[\s\S]*?<\/inzage>/, '')],
    ['OVa.LL12', mutate(poswv, '<leerlingid>', '<leerlingid>')],
    // OPTIONEEL asks nothing: present or absent.
    ['OS.cat10', mutate(povo, element('verzuim'), '')],
    // A category without blocks of its own in the table is never judged by presence.
    ['OS.cat03', mutate(povo, ...category('cat_school', 'OPT-UIT'))],
  ])('%s does not fire where the standard allows it', (rule, xml) => {
    expect(errorRules(xml)).not.toContain(rule);
  });

  it('compares codes exactly, as the official validator does: a padded code is not the code', () => {
    const padded = mutate(povo, '<advies>40</advies>', '<advies> 40</advies>');
    expect(errorRules(padded, 'official')).toContain('OSO.CL.02');
  });

  it('never repeats a secret phone number or an invalid e-mail address in a message', () => {
    const leaked = mutateAfter(povo, '<leerling>', '>9999999999<', '>0612345678<');
    const badEmail = mutate(leaked, '>testschool@kennisnet.nl<', '>testschool(at)kennisnet<');
    const { errors, warnings } = findings(badEmail);
    const text = JSON.stringify({ errors, warnings });
    expect(errors.map((error) => error.rule)).toEqual(expect.arrayContaining(['OVa.LL08', 'OG.01']));
    expect(text).not.toContain('0612345678');
    expect(text).not.toContain('testschool(at)kennisnet');
  });

  it('BRK.META.02 warns (and only warns) when inzage is dated after the dossier', () => {
    const broken = mutate(
      example('OV_POVO_opt_out'),
      /<inzagedatum>[^<]*<\/inzagedatum>/,
      '<inzagedatum>2016-02-01</inzagedatum>',
    );
    const later = mutate(broken, /<datum>[^<]*<\/datum>/, '<datum>2016-01-01</datum>');
    expect(findings(later).warnings.map((warning) => warning.rule)).toContain('BRK.META.02');
    const ordered = mutate(broken, /<datum>[^<]*<\/datum>/, '<datum>2016-03-01</datum>');
    expect(findings(ordered).warnings.map((warning) => warning.rule)).not.toContain('BRK.META.02');
  });

  it('BRK.ATT.01 ignores XML whitespace anywhere in base64, and refuses base64url characters', () => {
    const content = Buffer.from('Een verslag van de leerling, geen archief.').toString('base64');
    const withContent = (text: string) =>
      mutate(povo, /<bestandsinhoud>[^<]*<\/bestandsinhoud>/, `<bestandsinhoud>${text}</bestandsinhoud>`);
    expect(content.length % 4).toBe(0);
    for (const spaced of [
      content + '    ',
      content + '\n   ',
      '  \n' + content,
      `${content.slice(0, 20)}\r\n${content.slice(20, 41)} \t${content.slice(41)}\n`,
      content.replace(/(.{4})/g, '$1\n'),
    ]) {
      expect(errorRules(withContent(spaced))).not.toContain('BRK.ATT.01');
    }
    // '-' and '_' are base64url's 62 and 63; Node would decode them, xs:base64Binary has no such characters.
    for (const url of [
      '-' + content.slice(1),
      content.slice(0, 8) + '_' + content.slice(9),
      `${content}\n-AAA`,
    ]) {
      expect(errorRules(withContent(url))).toContain('BRK.ATT.01');
    }
    // Whitespace other than XML's is no base64 either.
    expect(errorRules(withContent(content.slice(0, 8) + '\u00a0' + content.slice(8)))).toContain(
      'BRK.ATT.01',
    );
  });

  it('BRK.ATT.02 refuses an attachment larger than 10 MB decoded', () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61).toString('base64');
    const broken = mutate(
      povo,
      /<bestandsinhoud>[^<]*<\/bestandsinhoud>/,
      `<bestandsinhoud>${big}</bestandsinhoud>`,
    );
    expect(errorRules(broken)).toContain('BRK.ATT.02');
  });

  it('BRK.ATT.04 refuses a zip bomb (judged by unpacking it, not by the sizes it claims)', () => {
    // A local file header claiming 100 bytes unpacked for a deflate stream of 120 MiB of zeros.
    const data = deflateRawSync(Buffer.alloc(120 * 1024 * 1024), { level: 9 });
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(100, 22);
    const bomb = Buffer.concat([header, data]).toString('base64');
    const broken = mutate(
      povo,
      /<bestandsinhoud>[^<]*<\/bestandsinhoud>/,
      `<bestandsinhoud>${bomb}</bestandsinhoud>`,
    );
    expect(errorRules(broken)).toContain('BRK.ATT.04');
  });

  it('reports where: path and line of the offending element, in English and Dutch', () => {
    const broken = mutate(povo, '<akkoord>Nee</akkoord>', '<akkoord>Misschien</akkoord>');
    const finding = findings(broken).errors.find((error) => error.rule === 'OSO.CL.37')!;
    expect(finding.path).toBe('/dossier/inzage/akkoord');
    expect(broken.split('\n')[finding.line! - 1]).toContain('<akkoord>Misschien</akkoord>');
    expect(finding.message).toMatch(/code list 37/);
    expect(finding.messageNl).toMatch(/codelijst 37/);
  });

  it('never repeats the BSN in a message', () => {
    const broken = mutate(povo, /<bsn>[0-9]+<\/bsn>/, '<bsn>123456789</bsn>');
    const { errors, warnings } = findings(broken);
    expect(errors.map((error) => error.rule)).toContain('BRK.LL.01');
    const text = JSON.stringify({ errors, warnings });
    expect(text).not.toContain('123456789');
  });
});

describe('the school years a POVO dossier may carry tests from', () => {
  it.each([
    ['2016-01-02', '2013-08-01'],
    ['2016-07-31', '2013-08-01'],
    ['2016-08-01', '2014-08-01'],
    ['2016-12-31', '2014-08-01'],
  ])('a dossier dated %s carries tests from %s on', (datum, oldest) =>
    expect(oldestAllowedTestDate(datum)).toBe(oldest),
  );
});

describe('elfproef', () => {
  it.each(['111222333', '123456782', '269326728'])('accepts %s', (bsn) =>
    expect(passesElfproef(bsn)).toBe(true),
  );
  it.each(['123456789', '000000000', '12345678', 'abcdefghi', '1234567890'])('refuses %s', (bsn) =>
    expect(passesElfproef(bsn)).toBe(false),
  );
});

describeOnOfficialExamples('every code list rule, on the official examples', () => {
  const sources = officialExampleNames().map((name) => officialExampleByFileName(name));

  /** The first coded field of this list in any example, and that example with the field's value replaced. */
  function breakFirstField(list: (typeof CODE_LISTS)[number]): string | null {
    for (const xml of sources) {
      const bytes = Buffer.from(xml, 'utf8');
      const dossier = new DossierUnderReview(readDossierTree(bytes), TODAY);
      for (const field of list.fields) {
        const name = field.suffix[field.suffix.length - 1];
        const element = dossier
          .elementsNamed(name)
          .find((candidate) => endsWithPath(candidate, field.suffix));
        if (!element) continue;
        const start = bytes.indexOf('>', element.offset) + 1;
        const end = bytes.indexOf('<', start);
        return Buffer.concat([
          bytes.subarray(0, start),
          Buffer.from('ZZ-no-code'),
          bytes.subarray(end),
        ]).toString('utf8');
      }
    }
    return null;
  }

  const covered = CODE_LISTS.filter((list) => breakFirstField(list) !== null);

  it('finds a coded field in the examples for nearly every list', () => {
    // Lists whose fields no official example fills cannot be broken by mutation; they are few.
    expect(covered.length).toBeGreaterThanOrEqual(CODE_LISTS.length - 6);
  });

  it.each(covered.map((list) => [`OSO.CL.${String(list.list).padStart(2, '0')}`, list] as const))(
    '%s fires on a value outside its list',
    (rule, list) => {
      const broken = breakFirstField(list) as string;
      expect(errorRules(broken, 'official')).toContain(rule);
    },
  );
});
