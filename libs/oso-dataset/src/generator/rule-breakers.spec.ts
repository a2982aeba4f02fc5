import { DossierValidationPool } from '../dossier-validation-pool';
import { ALL_RULES } from '../rules/all-rules';
import { GENERATABLE_PROFILES, GeneratorError, breakableRules, generateDossier } from './index';

const TODAY = '2026-11-22';
let pool: DossierValidationPool;
beforeAll(() => {
  pool = new DossierValidationPool({ threads: 1 });
});
afterAll(() => pool.close());

/**
 * Rules no generated dossier can break while it still passes the schema: the schema checks first, and
 * it already refuses what the rule would catch (OG.03: an LWOO end date that is no 31 July).
 */
const UNBREAKABLE_UNDER_THE_SCHEMA = ['OG.03'];

describe.each(GENERATABLE_PROFILES.map((profile) => [profile]))(
  'breaking rules in a %s dossier',
  (profile) => {
    it('breaks each breakable rule, and nothing but it and the rules that necessarily go with it', async () => {
      const rules = breakableRules(profile);
      expect(rules.length).toBeGreaterThan(40);
      const failures: string[] = [];
      for (const rule of rules) {
        const dossier = generateDossier({ profile, seed: 5, breakRule: rule });
        expect(dossier.brokenRule).toBe(rule);
        const verdict = await pool.validate(Buffer.from(dossier.xml, 'utf8'), { today: TODAY });
        const fired = [...verdict.errors, ...verdict.warnings].map((finding) => finding.rule);
        const expected = new Set([rule, ...(dossier.alsoBroken ?? [])]);
        const severity = ALL_RULES.find((known) => known.id === rule)!.severity;
        if (!fired.includes(rule)) failures.push(`${rule} did not fire (${fired.join(', ') || 'nothing'})`);
        const extra = [...new Set(fired.filter((id) => !expected.has(id)))];
        if (extra.length) failures.push(`${rule} also fired ${extra.join(', ')}`);
        // A warning leaves the dossier valid; an error makes it invalid.
        if (verdict.valid !== (severity === 'warning')) failures.push(`${rule}: valid is ${verdict.valid}`);
      }
      expect(failures).toEqual([]);
    });

    it('refuses, with a clear error, a rule it cannot break in this dossier', () => {
      const notBreakable = ALL_RULES.map((rule) => rule.id).filter(
        (id) => !breakableRules(profile).includes(id),
      );
      for (const rule of notBreakable)
        expect(() => generateDossier({ profile, breakRule: rule })).toThrow(GeneratorError);
    });
  },
);

describe('the rules that can be broken', () => {
  it('are all rules, over all profiles, but those the schema already guards', () => {
    const breakable = new Set(GENERATABLE_PROFILES.flatMap((profile) => breakableRules(profile)));
    expect(ALL_RULES.map((rule) => rule.id).filter((id) => !breakable.has(id))).toEqual(
      UNBREAKABLE_UNDER_THE_SCHEMA,
    );
  });

  it('are judged per kind of transfer: no swv rule in a POVO dossier, no OVa rule in a swv-dossier', () => {
    expect(breakableRules('POVO').filter((id) => id.startsWith('PaO.'))).toEqual([]);
    expect(breakableRules('POSWV').filter((id) => id.startsWith('OVa.'))).toEqual([]);
    expect(breakableRules('POVO')).toEqual(
      expect.arrayContaining(['OVa.IZ02', 'OVa.LL13', 'BRK.LL.01', 'OVa.TR04']),
    );
    expect(breakableRules('VOSWV')).toEqual(expect.arrayContaining(['PaO.LL12', 'PaO.VV01', 'OSO.CL.48']));
    expect(() => generateDossier({ profile: 'POVO', breakRule: 'PaO.LL12' })).toThrow(
      /cannot be broken in a POVO/,
    );
    expect(() => generateDossier({ profile: 'POVO', breakRule: 'OVa.IZ05' })).toThrow(
      /does not judge a POVO/,
    );
    expect(() => generateDossier({ profile: 'POVO', breakRule: 'OG.03' })).toThrow(
      /while the schema still holds/,
    );
    expect(() => generateDossier({ profile: 'POVO', breakRule: 'XX.01' })).toThrow(/no rule XX.01/);
  });

  it('are broken reproducibly, and name the rules that go with them', () => {
    const recipe = { profile: 'POVO', seed: 9, breakRule: 'OVa.IZ01' };
    expect(generateDossier(recipe).xml).toBe(generateDossier(recipe).xml);
    // The inzage block is VERPLICHT in a POVO dossier, so its absence breaks the category table too.
    expect(generateDossier(recipe).alsoBroken).toEqual(['OS.cat02']);
    expect(generateDossier({ profile: 'POVO', breakRule: 'OVa.LL13' }).alsoBroken).toBeUndefined();
  });
});
