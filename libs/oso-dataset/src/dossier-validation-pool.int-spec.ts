import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DossierValidationPool } from './dossier-validation-pool';

/** The pool as the broker uses it: real worker threads running the built engine, real libxml2. */
describe('dossier validation pool', () => {
  const examples = join(__dirname, '..', '..', '..', '..', 'shared', 'oso', 'reference', 'examples');
  const povo = readFileSync(join(examples, 'Voorbeelddossier_OV_POVO_full.xml'));
  let pool: DossierValidationPool;

  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 2 });
  });
  afterAll(() => pool.close());

  it('judges a dossier in a worker thread and returns the verdict with its facts and hash', async () => {
    const verdict = await pool.validate(povo, { withContentHash: true, today: '2026-11-22' });
    expect(verdict).toMatchObject({ valid: true, ruleSet: 'strict', profile: 'POVO', errors: [] });
    expect(verdict.facts?.school).toEqual({ brin: '00YY', vestiging: '00' });
    expect(verdict.facts?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a broken dossier with the same findings as in-process validation would', async () => {
    const broken = Buffer.from(
      povo.toString('utf8').replace('<inzage>true</inzage>', '<inzage>false</inzage>'),
    );
    const verdict = await pool.validate(broken, { today: '2026-11-22' });
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.map((error) => error.rule)).toContain('OVa.IZ02');
  });

  it('serves many dossiers at once, each with its own verdict', async () => {
    const inputs = Array.from({ length: 20 }, (_, index) =>
      index % 2 === 0
        ? povo
        : Buffer.from(povo.toString('utf8').replace('<overstap>POVO<', '<overstap>POXX<')),
    );
    const verdicts = await Promise.all(inputs.map((bytes) => pool.validate(bytes, { today: '2026-11-22' })));
    expect(verdicts.map((verdict) => verdict.valid)).toEqual(inputs.map((_, index) => index % 2 === 0));
  });
});
