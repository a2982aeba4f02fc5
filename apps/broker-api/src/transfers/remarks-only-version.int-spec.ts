import { generateDossier } from '@app/oso-dataset';
import { createHash } from 'node:crypto';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  DOSSIER_DAY,
  INZAGE_DAY,
  recordInzageByLetter,
  releaseFromOutbox,
  releasesOf,
  transferState,
} from '../../../../test/support/release-steps';

/**
 * A version whose only change is the parents' remarks in its `inzage` block keeps the inzage recorded
 * for the version it answers (issue #11, item 3): staging compares the versions' inzage basis, and the
 * gate is given the earlier hashes. Any other change needs new evidence. Over the real broker and the
 * release worker's step; releases counted from the exchange log.
 */
describe('a remarks-only version keeps the inzage of the version it answers', () => {
  let exchange: Exchange;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'remarks_only' });
  });
  afterAll(() => exchange?.close());

  it('PO: v2 = v1 + remarks is released on v1’s inzage; v3 with other content waits', async () => {
    const { po, vo } = exchange.clients;
    const school = { brin: '00YY', vestiging: '00' };
    const seed = 1301;
    const bsn = generateDossier({ profile: 'POVO', seed, school }).pupil.bsn as string;
    const pupil = { bsn, geboortedatum: '2014-04-04' };
    const recipe = { profile: 'POVO' as const, seed, school, pupil, date: DOSSIER_DAY };
    const v1 = Buffer.from(generateDossier({ ...recipe, inzage: { datum: INZAGE_DAY } }).xml);
    const remarks = { datum: INZAGE_DAY, remarks: 'Wij zien het anders.' };
    const v2 = Buffer.from(generateDossier({ ...recipe, inzage: remarks }).xml);
    const v3 = Buffer.from(v2.toString('utf8').replace(/<pakketversie>[^<]*</, '<pakketversie>v3<'));
    expect(new Set([v1, v2, v3].map((bytes) => bytes.toString('hex'))).size).toBe(3);

    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil,
    });
    const id = requested.body.id as string;
    const stage = async (bytes: Buffer) => {
      const staged = await po.put(`/v1/transfers/${id}/dossier`, bytes);
      expect(staged.status).toBe(201);
      return (staged.body.version as { canonicalSha256: string }).canonicalSha256;
    };
    const hash1 = await stage(v1);
    await recordInzageByLetter(exchange, { id, versionHash: hash1 });
    expect(await transferState(exchange.database, id)).toBe('release_queued');

    // v2 only adds the parents' remarks: the gate releases it on v1's inzage, no new evidence asked.
    const hash2 = await stage(v2);
    expect(hash2).not.toBe(hash1);
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    const sender = await po.get(`/v1/transfers/${id}/evidence`);
    expect(sender.body).toMatchObject({ transferState: 'release_queued', decision: { outcome: 'release' } });

    // v3 changes other content: it waits for its own inzage; the queued releases do nothing.
    const hash3 = await stage(v3);
    expect(hash3).not.toBe(hash2);
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');
    expect((await po.get(`/v1/transfers/${id}/evidence`)).body).toMatchObject({
      decision: {
        outcome: 'wait',
        reasons: expect.arrayContaining([expect.objectContaining({ code: 'inzage_missing' })]),
      },
    });
    expect(await releaseFromOutbox(exchange, id)).toEqual(['nothing', 'nothing']);
    expect(await releasesOf(exchange.database, id)).toBe(0);

    // v2 staged again is released on v1's inzage, and the receiver gets v2's bytes, once.
    expect(await stage(v2)).toBe(hash2);
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    // v1's row does nothing; of v2's two rows (same transfer and content: one job id) one releases.
    expect((await releaseFromOutbox(exchange, id)).sort()).toEqual(['nothing', 'nothing', 'released']);
    expect(await releasesOf(exchange.database, id)).toBe(1);
    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(200);
    expect(createHash('sha256').update(fetched.raw).digest('hex')).toBe(
      createHash('sha256').update(v2).digest('hex'),
    );
    const stored = await exchange.database.query<{ canonical_sha256: string; inzage_basis_sha256: string }>(
      `SELECT canonical_sha256, inzage_basis_sha256 FROM dossier_versions
        WHERE canonical_sha256 = ANY($1) ORDER BY version`,
      [[hash1, hash2, hash3]],
    );
    const basis = stored.rows.map((row) => row.inzage_basis_sha256);
    expect(basis[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(basis).toEqual([basis[0], basis[0], expect.not.stringMatching(basis[0]), basis[0]]);
  });
});
