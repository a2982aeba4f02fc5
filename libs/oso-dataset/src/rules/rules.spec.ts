import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDossierTree } from '../read-dossier-tree';
import { applyRules } from '../review-dossier';
import { CODE_LISTS } from '../codelists';
import { endsWithPath } from '../dossier-element';
import { ALL_RULES, rulesFor } from './all-rules';
import { DossierUnderReview } from './dossier-under-review';
import { passesElfproef } from './pupil.rules';

/**
 * Every rule against the official examples (none may fire) and against mutations of them made here in
 * code (each must fire). The rules run on the same tree the engine gives them; the schema is tested
 * through the built `oso validate` (test/processes/oso-validate.e2e-spec.ts).
 */
const EXAMPLES = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'oso', 'reference', 'examples');
const example = (name: string) => readFileSync(join(EXAMPLES, `Voorbeelddossier_${name}.xml`), 'utf8');
const TODAY = '2026-11-22';

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

describe('business rules on the official examples', () => {
  const names = readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml'));

  it('finds all twelve examples', () => expect(names).toHaveLength(12));

  it.each(names)('%s breaks no rule, in either rule set', (name) => {
    const xml = readFileSync(join(EXAMPLES, name), 'utf8');
    expect(errorRules(xml, 'official')).toEqual([]);
    expect(errorRules(xml, 'strict')).toEqual([]);
  });

  it('has unique rule ids, and our own rules only in the strict set', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rulesFor('official').some((rule) => rule.id.startsWith('BRK.'))).toBe(false);
    expect(rulesFor('strict').length).toBeGreaterThan(rulesFor('official').length);
  });
});

describe('each rule fires on a dossier that breaks it', () => {
  const povo = example('OV_POVO_full');
  const vovo = example('OV_VOVO_full');

  it.each([
    ['OSO.IZ.01', povo, '<inzage>true</inzage>', '<inzage>false</inzage>'],
    ['OSO.IZ.02', povo, /<inzagedatum>[^<]*<\/inzagedatum>/, ''],
    ['OSO.IZ.03', vovo, /<toestemming>[^<]*<\/toestemming>/, ''],
    ['BRK.IZ.01', povo, /<redennietakkoord>[^<]*<\/redennietakkoord>/, ''],
    ['BRK.META.01', povo, /<datum>[^<]*<\/datum>/, '<datum>2099-01-01</datum>'],
    [
      'BRK.PR.01',
      povo,
      '<overdrachtsoort>overstapdossier</overdrachtsoort>',
      '<overdrachtsoort>swv-dossier</overdrachtsoort>',
    ],
    ['BRK.LL.01', povo, /<bsn>[0-9]+<\/bsn>/, '<bsn>123456789</bsn>'],
    ['BRK.LL.02', povo, '<adresgeheim>false</adresgeheim>', '<adresgeheim>true</adresgeheim>'],
    ['OSO.CL.16', povo, '<overstap>POVO</overstap>', '<overstap>POXX</overstap>'],
    ['OSO.CL.37', povo, '<akkoord>Nee</akkoord>', '<akkoord>Misschien</akkoord>'],
    [
      'OSO.CL.29',
      povo,
      '<overdrachtsoort>overstapdossier</overdrachtsoort>',
      '<overdrachtsoort>anders</overdrachtsoort>',
    ],
    ['OSO.CL.14', povo, /<geslacht>[0-9]<\/geslacht>/, '<geslacht>7</geslacht>'],
    ['OSO.CL.48', povo, '<cat_verzuim>OPTIONEEL</cat_verzuim>', '<cat_verzuim>MISSCHIEN</cat_verzuim>'],
    ['OSO.CAT.01', example('OV_POVO_opt_out'), /<schoolloopbaanlijst>[\s\S]*?<\/schoolloopbaanlijst>/, ''],
    ['OSO.CAT.02', povo, '<cat_verzuim>OPTIONEEL</cat_verzuim>', '<cat_verzuim>OPT-UIT</cat_verzuim>'],
    [
      'BRK.CAT.01',
      povo,
      '<cat_overstapadvies>VERPLICHT</cat_overstapadvies>',
      '<cat_overstapadvies>OPTIONEEL</cat_overstapadvies>',
    ],
    [
      'BRK.META.03',
      povo,
      '<huisarts>',
      '<huisarts xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="verzorgerType">',
    ],
    ['BRK.OA.01', povo, /<advies>[^<]*<\/advies>/, ''],
    ['BRK.TS.01', povo, /<datum_afname>[^<]*<\/datum_afname>/, '<datum_afname>2099-04-28</datum_afname>'],
    ['BRK.TS.01', povo, /<afnamedatum>[^<]*<\/afnamedatum>/, '<afnamedatum>2099-04-10</afnamedatum>'],
    ['BRK.VZ.01', povo, /<\/verzorger>/, '<overlijdensdatum>2015-01-01</overlijdensdatum></verzorger>'],
    ['BRK.ATT.01', povo, /<bestandsinhoud>[A-Za-z0-9+/]{8}/, '<bestandsinhoud>!!!!!!!!'],
    ['BRK.ATT.03', povo, /<bestandsnaam>[^<]*<\/bestandsnaam>/, '<bestandsnaam>script.exe</bestandsnaam>'],
  ])('%s', (rule, xml, from, to) => {
    expect(errorRules(xml)).toEqual([]);
    const broken = mutate(xml, from, to);
    expect(errorRules(broken)).toContain(rule);
    // Official rules fire in both sets; ours only in strict.
    expect(errorRules(broken, 'official').includes(rule)).toBe(!rule.startsWith('BRK.'));
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

  it('BRK.ATT.02 refuses an attachment larger than 10 MB decoded', () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61).toString('base64');
    const broken = mutate(
      povo,
      /<bestandsinhoud>[^<]*<\/bestandsinhoud>/,
      `<bestandsinhoud>${big}</bestandsinhoud>`,
    );
    expect(errorRules(broken)).toContain('BRK.ATT.02');
  });

  it('BRK.ATT.04 refuses a zip bomb (a small archive claiming a huge content)', () => {
    // A local file header claiming 1 GiB unpacked for 100 bytes of data.
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt32LE(100, 18);
    header.writeUInt32LE(1024 * 1024 * 1024, 22);
    const bomb = Buffer.concat([header, Buffer.alloc(100)]).toString('base64');
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

describe('elfproef', () => {
  it.each(['111222333', '123456782', '269326728'])('accepts %s', (bsn) =>
    expect(passesElfproef(bsn)).toBe(true),
  );
  it.each(['123456789', '000000000', '12345678', 'abcdefghi', '1234567890'])('refuses %s', (bsn) =>
    expect(passesElfproef(bsn)).toBe(false),
  );
});

describe('every code list rule', () => {
  const sources = readdirSync(EXAMPLES)
    .filter((name) => name.endsWith('.xml'))
    .map((name) => readFileSync(join(EXAMPLES, name), 'utf8'));

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
