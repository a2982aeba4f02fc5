import { DossierValidationPool } from './dossier-validation-pool';
import { generateDossier } from './generator';

/**
 * The inzage basis as staging computes it, through the validation pool (the engine's canonical form):
 * a generated dossier and the same dossier with the parents' remarks share it; any other change does not.
 */
describe('validation computes the inzage basis with the content hash', () => {
  let pool: DossierValidationPool;
  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  const recipe = { profile: 'POVO' as const, seed: 41, date: '2026-10-15' };
  const facts = async (xml: string) => {
    const verdict = await pool.validate(Buffer.from(xml), { today: '2026-11-22', withContentHash: true });
    expect(verdict.errors).toEqual([]);
    return verdict.facts!;
  };

  it('keeps the basis when only remarks are added, changes it for other content, and leaves it out without a hash', async () => {
    const plain = generateDossier({ ...recipe, inzage: { datum: '2026-10-01' } }).xml;
    const remarks = generateDossier({
      ...recipe,
      inzage: { datum: '2026-10-01', remarks: 'Wij zien het anders.' },
    }).xml;
    expect(remarks).toContain('<redennietakkoord>');
    const other = plain.replace(/<pakketversie>[^<]*</, '<pakketversie>changed<');
    expect(other).not.toBe(plain);
    const [a, b, c] = await Promise.all([facts(plain), facts(remarks), facts(other)]);
    expect(a.contentHash).not.toBe(b.contentHash);
    expect(a.inzageBasisHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.inzageBasisHash).toBe(a.inzageBasisHash);
    expect(c.inzageBasisHash).not.toBe(a.inzageBasisHash);
    const unhashed = await pool.validate(Buffer.from(plain), { today: '2026-11-22' });
    expect(unhashed.facts).toMatchObject({ contentHash: '', inzageBasisHash: '' });
  });
});
