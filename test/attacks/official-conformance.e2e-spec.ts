import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt } from '../support/built-process';
import { describeOnOfficialExamples, officialExample } from '../support/official-examples';

/**
 * `--rules official` gives the official validator's verdict, no more and no less; strict refuses at
 * least as much. The cases an outside probe found where the two disagreed, as schema-valid mutations of
 * the official examples judged as a vendor judges them, by the built `oso validate --rules …` (input
 * checks, our schema, the rules):
 *  - a false accept: a verzorger's overlijdensdatum without the marker of decease (official OG.04, in
 *    the shared part, so in both bundles);
 *  - false rejects in the OV bundle: rules of the standard that sit in official templates below the
 *    pupil, which the OV bundle never reaches (its pupil template applies no templates). Strict keeps
 *    them; the PaO bundle, which reaches them, still refuses its own.
 */
const example = officialExample;

/** Replaces exactly one occurrence, so a mutation never silently does nothing. */
function mutate(xml: string, from: string | RegExp, to: string): string {
  const pattern = typeof from === 'string' ? from : new RegExp(from.source, 'g');
  const count = typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(pattern) ?? []).length;
  if (count !== 1) throw new Error(`mutation target found ${count} times: ${from}`);
  return xml.replace(from, to);
}

/** Like `mutate`, but in the first block starting at `anchor` (e.g. the first `<verzorger>`). */
function mutateFirst(xml: string, anchor: string, from: string | RegExp, to: string): string {
  const start = xml.indexOf(anchor);
  if (start < 0) throw new Error(`anchor not found: ${anchor}`);
  const end = xml.indexOf(anchor.replace('<', '</'), start);
  return xml.slice(0, start) + mutate(xml.slice(start, end), from, to) + xml.slice(end);
}

const DECEASED_WITH_DATE = /<overleden>true<\/overleden>(\s*<overlijdensdatum>)/;
const element = (name: string) => new RegExp(`<${name}>[^<]*</${name}>`);

interface Verdict {
  file: string;
  valid: boolean;
  errors: Array<{ rule: string; path: string; message: string; messageNl: string }>;
}

// Read when a case is built (in the suite that needs the examples), not when this file loads.
const povo = () => example('OV_POVO_full');
const povoFromPrimarySchool = () => mutate(povo(), '<soort>SO</soort>', '<soort>BAO</soort>');
const breakVerzorgerSecret = (xml: string) =>
  mutateFirst(xml, '<verzorger>', '<adresgeheim>false<', '<adresgeheim>true<');

/** [example, what overleden says, its replacement] — a date of death the marker does not back. */
const dateOfDeathWithoutMarker: Array<[string, string, string]> = [
  ['OV_POVO_full', 'absent', '$1'],
  ['OV_POVO_full', 'false', '<overleden>false</overleden>$1'],
  ['OV_BB_full', 'false (0)', '<overleden>0</overleden>$1'],
  ['OV_VOVO_full', 'absent', '$1'],
  ['PaO_POSWV_full', 'absent', '$1'],
  ['PaO_VOSWV_full', 'false', '<overleden>false</overleden>$1'],
];

const block = (name: string) => new RegExp(`<${name}>[\\s\\S]*?</${name}>`);
const withoutEindtoetsResult = (xml: string) => mutate(xml, block('eindtoetsresultaat'), '');

/**
 * [rule, example, the mutation, other rules it breaks] — each breaks a rule of the standard that the
 * OV bundle never reaches.
 */
const notReachedInOv: Array<[string, () => string, (xml: string) => string, string[]?]> = [
  ['OVa.OV03', povo, breakVerzorgerSecret],
  ['OVb.OV01', () => example('OV_BB_full'), breakVerzorgerSecret],
  ['OVa.OA02', povoFromPrimarySchool, (xml) => mutate(xml, element('advies'), '')],
  ['OVa.OA03', povo, (xml) => mutate(xml, '<contactnodig>true</contactnodig>', '')],
  ['OVa.OA04', povo, (xml) => mutateFirst(xml, '<overstapadvies>', element('contactpersoon'), '')],
  ['OVa.OA05', povo, (xml) => mutate(xml, element('contacttelefoon'), '')],
  // Taken part but no result at all: no toets_advies either.
  ['OVa.EB02', povo, withoutEindtoetsResult, ['OVa.EB04']],
  ['OVa.EB03', () => mutate(povo(), '<deelgenomen>true<', '<deelgenomen>false<'), withoutEindtoetsResult],
  ['OVa.EB04', povo, (xml) => mutate(xml, element('toets_advies'), '')],
  [
    'OVa.TR04',
    povo,
    (xml) => mutate(xml, '<afnamedatum>2015-04-10</afnamedatum>', '<afnamedatum>2013-07-31</afnamedatum>'),
  ],
  [
    'OVa.TR05',
    povo,
    // The first result emptied: no score, no reference score, no document.
    (xml) => mutateFirst(xml, '<resultaat>', /[\s\S]+/, '<resultaat>'),
  ],
  [
    'OVa.TR06',
    povo,
    (xml) =>
      mutate(
        xml,
        /<toetsscore>\s*<aantalgoed>15<\/aantalgoed>\s*<\/toetsscore>/,
        '<toetsscore><codevaardigheidsschaal>110</codevaardigheidsschaal></toetsscore>',
      ),
  ],
  ['OVa.CL01', povo, (xml) => mutateFirst(xml, '<score>', /<waarde>[\s\S]*<\/kwalificatie>/, '')],
];

describeOnOfficialExamples(
  '--rules official gives the official verdict; strict refuses at least as much',
  () => {
    const files = new Map<string, string>();
    const verdicts = { official: new Map<string, Verdict>(), strict: new Map<string, Verdict>() };
    let dir: string;

    /** Every case is written once and judged in one run of the CLI per rule set. */
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'oso-conformance-'));
      const cases: Array<[string, string]> = [
        ...dateOfDeathWithoutMarker.map(
          ([name, marker, to]) =>
            [`OG.04 ${name} ${marker}`, mutate(example(name), DECEASED_WITH_DATE, to)] as [string, string],
        ),
        ['OG.04 marked', mutate(povo(), DECEASED_WITH_DATE, '<overleden>1</overleden>$1')],
        ...notReachedInOv.flatMap(([rule, base, breakIt]): Array<[string, string]> => [
          [`${rule} unbroken`, base()],
          [rule, breakIt(base())],
        ]),
        ['PaO.OV03', breakVerzorgerSecret(example('PaO_POSWV_full'))],
      ];
      cases.forEach(([key, xml], index) => {
        const file = join(dir, `case-${index}.xml`);
        writeFileSync(file, xml);
        files.set(key, file);
      });
      for (const ruleSet of ['official', 'strict'] as const) {
        const result = await runBuilt('cli', ['validate', '--json', '--rules', ruleSet, ...files.values()]);
        expect(result.code).toBe(1);
        for (const line of result.stdout) {
          const verdict = JSON.parse(line) as Verdict;
          verdicts[ruleSet].set(verdict.file, verdict);
        }
      }
      expect(verdicts.official.size).toBe(files.size);
      expect(verdicts.strict.size).toBe(files.size);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const verdict = (ruleSet: 'official' | 'strict', key: string) => verdicts[ruleSet].get(files.get(key)!)!;
    const rulesOf = (ruleSet: 'official' | 'strict', key: string) =>
      verdict(ruleSet, key).errors.map((error) => error.rule);

    describe('refused by both: a date of death while the marker of decease is absent or says otherwise', () => {
      it.each(dateOfDeathWithoutMarker)('%s, overleden %s: OG.04', (name, marker) => {
        for (const ruleSet of ['official', 'strict'] as const) {
          const judged = verdict(ruleSet, `OG.04 ${name} ${marker}`);
          expect(judged.valid).toBe(false);
          expect(judged.errors.map((error) => error.rule)).toEqual(['OG.04']);
          expect(judged.errors[0].path).toMatch(/\/verzorger(\[\d+\])?\/overlijdensdatum$/);
          // The date is personal data: never echoed.
          expect(JSON.stringify(judged.errors)).not.toContain('2017-05-01');
        }
      });

      it('accepts the date where the marker says overleden (as the examples do)', () => {
        expect(verdict('official', 'OG.04 marked').valid).toBe(true);
        expect(verdict('strict', 'OG.04 marked').valid).toBe(true);
      });
    });

    it.each(notReachedInOv.map(([rule, , , also]) => [rule, also ?? []] as const))(
      '%s: the official validator accepts it (the OV bundle never reaches the rule); strict refuses it',
      (rule, also) => {
        expect(verdict('strict', `${rule} unbroken`).valid).toBe(true);
        expect(verdict('official', rule)).toMatchObject({ valid: true, errors: [] });
        expect(verdict('strict', rule).valid).toBe(false);
        expect(rulesOf('strict', rule)).toEqual([rule, ...also]);
      },
    );

    it('the PaO bundle reaches its verzorger template: PaO.OV03 is refused by both', () => {
      expect(rulesOf('official', 'PaO.OV03')).toEqual(['PaO.OV03']);
      expect(rulesOf('strict', 'PaO.OV03')).toEqual(['PaO.OV03']);
    });
  },
);

/** What `oso rules` lists needs no example: it must agree with the bundles pinned above. */
describe('oso rules, on the bundles of each rule', () => {
  it('tells vendors the set and the official bundles of each rule', async () => {
    const result = await runBuilt('cli', ['rules', '--json']);
    expect(result.code).toBe(0);
    const listed = new Map(
      result.stdout.map((line) => {
        const rule = JSON.parse(line) as { id: string; set: string; officialIn: string[] };
        return [rule.id, { set: rule.set, officialIn: rule.officialIn }];
      }),
    );
    expect(listed.get('OG.04')).toEqual({ set: 'official', officialIn: ['OV', 'PaO'] });
    expect(listed.get('PaO.OV03')).toEqual({ set: 'official', officialIn: ['PaO'] });
    for (const [rule] of notReachedInOv) expect(listed.get(rule)).toEqual({ set: 'strict', officialIn: [] });
    expect(listed.has('BRK.VZ.01')).toBe(false);
  });
});
