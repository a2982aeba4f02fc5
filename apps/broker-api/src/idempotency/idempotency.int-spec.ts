import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { validBsns } from '../../../../test/support/dossier-pupil';
import { povoDossierFor } from '../../../../test/support/large-dossiers';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';
import { keyHash, requestHash } from './idempotency-key';
import { IDEMPOTENCY_LEASE_SECONDS } from './idempotency-settings';

/**
 * Idempotency-Key over the real broker (#14): mutual TLS, signed requests, the real validation and
 * PostgreSQL. A retry is signed anew (a new nonce), as a vendor's client does; only the key repeats.
 */
const BSNS = validBsns(14, 31_000_000);
const pupil = (index: number) => ({ bsn: BSNS[index], geboortedatum: '2014-03-01' });

describe('Idempotency-Key on the routes that create something', () => {
  let exchange: Exchange;
  let database: Client;
  let po: VendorClient;
  let vo: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'idempotency' });
    ({ database } = exchange);
    ({ po, vo } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  const keyed = (client: VendorClient, method: string, path: string, body: unknown, key: string) =>
    client.send(method, path, body, { headers: { 'Idempotency-Key': key } });
  const stageAhead = (dossier: Buffer, key: string, client = po) =>
    keyed(client, 'POST', '/v1/dossiers', dossier, key);

  /** The versions staged of this dossier (by its content hash), however many uploads made them. */
  const versionsOf = async (response: ApiResponse): Promise<number> => {
    const version = response.body.version as { contentSha256: string };
    const { rows } = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dossier_versions WHERE content_sha256 = $1',
      [version.contentSha256],
    );
    return rows[0].n;
  };

  /** How many versions hold exactly these bytes. */
  const versionsWith = async (dossier: Buffer): Promise<number> => {
    const sha256 = createHash('sha256').update(dossier).digest('hex');
    const { rows } = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dossier_versions WHERE content_sha256 = $1',
      [sha256],
    );
    return rows[0].n;
  };

  const keyRow = async (vendorId: string, key: string) =>
    (
      await database.query(`SELECT * FROM idempotency_keys WHERE vendor_id = $1 AND key_sha256 = $2`, [
        vendorId,
        keyHash(key),
      ])
    ).rows[0] as Record<string, unknown> | undefined;

  /** Another instance's attempt holding `key` for this upload right now (or, `state`, done with it). */
  const holdKey = async (key: string, dossier: Buffer, state: 'in_flight' | 'committed', lease: string) => {
    await database.query(
      `INSERT INTO idempotency_keys (vendor_id, key_sha256, request_sha256, state, claim_token, lease_until,
                                     created_at, expires_at)
       VALUES ('po-las', $1, $2, $3, $4, now() + $5::interval, now(), now() + interval '24 hours')`,
      [keyHash(key), requestHash('POST', '/v1/dossiers', dossier), state, randomUUID(), lease],
    );
  };

  it('replays the first answer to a retry with the same key and request, creating nothing again', async () => {
    const dossier = povoDossierFor(pupil(0));
    const key = randomUUID();
    const first = await stageAhead(dossier, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.headers['x-log-entry']).toMatch(/^[1-9][0-9]*/);

    const retry = await stageAhead(dossier, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.raw.equals(first.raw)).toBe(true);
    expect(retry.headers['x-log-entry']).toBe(first.headers['x-log-entry']);
    expect(await versionsOf(first)).toBe(1);

    // What is kept: hashes and the answer, which never repeats the pupil; not the key, not the body.
    const row = await keyRow('po-las', key);
    expect(row).toMatchObject({ state: 'completed', answer_status: 201 });
    const kept = JSON.stringify(row);
    expect(kept).not.toContain(pupil(0).bsn);
    expect(kept).not.toContain(key);

    // Without a key nothing changes: the same upload is a new version, as before.
    const unkeyed = await po.send('POST', '/v1/dossiers', dossier);
    expect(unkeyed.status).toBe(201);
    expect(await versionsOf(first)).toBe(2);
  });

  it('marks the key committed inside the transaction that stores the version, before it commits', async () => {
    const dossier = povoDossierFor(pupil(12));
    const key = randomUUID();
    // A probe that runs at the commit of whatever transaction inserts a version, inside it.
    await database.query('CREATE TABLE idempotency_probe (key_state text NOT NULL)');
    await database.query(`
      CREATE FUNCTION probe_key_state() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = public AS $fn$
      BEGIN
        INSERT INTO idempotency_probe
          SELECT coalesce((SELECT state FROM idempotency_keys WHERE key_sha256 = TG_ARGV[0]), 'none');
        RETURN NULL;
      END $fn$`);
    await database.query(
      `CREATE CONSTRAINT TRIGGER tr_idempotency_probe AFTER INSERT ON dossier_versions
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION probe_key_state('${keyHash(key)}')`,
    );
    try {
      expect((await stageAhead(dossier, key)).status).toBe(201);
      const { rows } = await database.query('SELECT key_state FROM idempotency_probe');
      expect(rows).toEqual([{ key_state: 'committed' }]);
    } finally {
      await database.query('DROP TRIGGER tr_idempotency_probe ON dossier_versions');
      await database.query('DROP FUNCTION probe_key_state()');
      await database.query('DROP TABLE idempotency_probe');
    }
  });

  it('replays a transfer request and a staging for it, where a plain retry would be refused or doubled', async () => {
    const key = randomUUID();
    const body = { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil: pupil(1) };
    const first = await keyed(vo, 'POST', '/v1/transfers', body, key);
    expect(first.status).toBe(201);
    const retry = await keyed(vo, 'POST', '/v1/transfers', body, key);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body.id]).toEqual([
      201,
      'true',
      first.body.id,
    ]);
    // The same request without the key meets the open request it already made.
    expect((await vo.post('/v1/transfers', body)).body.error).toBe('TRANSFER_ALREADY_OPEN');

    const path = `/v1/transfers/${first.body.id as string}/dossier`;
    const dossier = povoDossierFor(pupil(1));
    const stageKey = randomUUID();
    const staged = await keyed(po, 'PUT', path, dossier, stageKey);
    expect(staged.status).toBe(201);
    const again = await keyed(po, 'PUT', path, dossier, stageKey);
    expect([again.status, again.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(again.body).toEqual(staged.body);
    expect(await versionsOf(staged)).toBe(1);
  });

  it('replays a state change (a match approval) that a plain repeat would refuse as a conflict', async () => {
    const staged = await po.send('POST', '/v1/dossiers', povoDossierFor(pupil(13)));
    const versionHash = (staged.body.version as { canonicalSha256: string }).canonicalSha256;
    const body = { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil: pupil(13) };
    const id = (await vo.post('/v1/transfers', body)).body.id as string;
    const key = randomUUID();
    const path = `/v1/transfers/${id}/match-approval`;
    const approved = await keyed(po, 'POST', path, { versionHash }, key);
    expect([approved.status, approved.body.state]).toEqual([200, 'awaiting_evidence']);
    const retry = await keyed(po, 'POST', path, { versionHash }, key);
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([200, 'true']);
    expect(retry.raw.equals(approved.raw)).toBe(true);
    expect(retry.headers['x-log-entry']).toBe(approved.headers['x-log-entry']);
    const repeated = await po.post(path, { versionHash });
    expect(repeated.status).toBe(409);
  });

  it('refuses the same key for another request with 422 IDEMPOTENCY_KEY_REUSED, doing nothing', async () => {
    const key = randomUUID();
    const first = await stageAhead(povoDossierFor(pupil(2)), key);
    expect(first.status).toBe(201);

    const otherBody = povoDossierFor(pupil(3));
    const reused = await stageAhead(otherBody, key);
    expect([reused.status, reused.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await versionsWith(otherBody)).toBe(0);

    // Another route with the same key is another request too.
    const otherRoute = await keyed(po, 'POST', '/v1/transfers', { targetSchool: '01XZ00' }, key);
    expect([otherRoute.status, otherRoute.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('keeps each vendor’s keys its own', async () => {
    const key = randomUUID();
    expect((await stageAhead(povoDossierFor(pupil(4)), key)).status).toBe(201);
    const body = { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil: pupil(4) };
    const other = await keyed(vo, 'POST', '/v1/transfers', body, key);
    expect([other.status, other.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });

  it('refuses a malformed Idempotency-Key with 400 IDEMPOTENCY_KEY_INVALID, and reads a quoted one as bare', async () => {
    const dossier = povoDossierFor(pupil(5));
    for (const bad of ['two words', 'x'.repeat(256), 'back\\slash', 'quo"te', '""']) {
      const refused = await stageAhead(dossier, bad);
      expect([bad, refused.status, refused.body.error]).toEqual([bad, 400, 'IDEMPOTENCY_KEY_INVALID']);
    }
    const key = `k-${randomUUID()}`;
    expect((await stageAhead(dossier, `"${key}"`)).status).toBe(201);
    const bare = await stageAhead(dossier, key);
    expect([bare.status, bare.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(await versionsOf(bare)).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After while another attempt holds the key, and runs the retry once that attempt’s lease lapsed', async () => {
    const dossier = povoDossierFor(pupil(6));
    const key = randomUUID();
    await holdKey(key, dossier, 'in_flight', '8 seconds');
    const busy = await stageAhead(dossier, key);
    expect([busy.status, busy.body.error]).toEqual([409, 'IDEMPOTENCY_KEY_IN_FLIGHT']);
    const retryAfter = Number(busy.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(IDEMPOTENCY_LEASE_SECONDS);
    expect(await versionsWith(dossier)).toBe(0);

    // The holder died before committing (a killed instance): its lease lapses and leaves no claim.
    await database.query(
      `UPDATE idempotency_keys SET lease_until = now() - interval '1 second' WHERE key_sha256 = $1`,
      [keyHash(key)],
    );
    const retry = await stageAhead(dossier, key);
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(await versionsOf(retry)).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_ANSWER_LOST when the first attempt committed but died before storing its answer', async () => {
    const dossier = povoDossierFor(pupil(7));
    const key = randomUUID();
    await holdKey(key, dossier, 'committed', '-1 second');
    const lost = await stageAhead(dossier, key);
    expect([lost.status, lost.body.error]).toEqual([409, 'IDEMPOTENCY_ANSWER_LOST']);
    expect(await versionsWith(dossier)).toBe(0);
  });

  it('creates one version for two identical requests at once; the other waits its turn or replays', async () => {
    const dossier = povoDossierFor(pupil(8));
    const key = randomUUID();
    const [a, b] = [exchange.newClient('po'), exchange.newClient('po')];
    try {
      const answers = await Promise.all([stageAhead(dossier, key, a), stageAhead(dossier, key, b)]);
      const fresh = answers.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      for (const other of answers.filter((r) => r !== fresh[0])) {
        const outcome =
          other.status === 409
            ? other.body.error
            : `${other.status} ${String(other.headers['idempotent-replayed'])}`;
        expect(['IDEMPOTENCY_KEY_IN_FLIGHT', '201 true']).toContain(outcome);
      }
      const retry = await stageAhead(dossier, key);
      expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(retry.raw.equals(fresh[0].raw)).toBe(true);
      expect(await versionsOf(fresh[0])).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('gives the key back when the request is refused, so a corrected retry runs', async () => {
    const key = randomUUID();
    const broken = Buffer.from(
      povoDossierFor(pupil(9)).toString('utf8').replace('<leerling>', '<leerling><x/>'),
    );
    const refused = await stageAhead(broken, key);
    expect([refused.status, refused.body.error]).toEqual([422, 'DOSSIER_INVALID']);
    expect(await keyRow('po-las', key)).toBeUndefined();
    const corrected = await stageAhead(povoDossierFor(pupil(9)), key);
    expect([corrected.status, corrected.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });

  it('deletes keys past their retention as new keys come, and lets an expired key be used anew', async () => {
    const dossier = povoDossierFor(pupil(10));
    const key = randomUUID();
    expect((await stageAhead(dossier, key)).status).toBe(201);
    await database.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key_sha256 = $1`,
      [keyHash(key)],
    );
    // Expired, the key means nothing: another request may take it.
    const reusedLater = await stageAhead(povoDossierFor(pupil(11)), key);
    expect([reusedLater.status, reusedLater.headers['idempotent-replayed']]).toEqual([201, undefined]);

    const stale = randomUUID();
    await holdKey(stale, dossier, 'in_flight', '-1 second');
    await database.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key_sha256 = $1`,
      [keyHash(stale)],
    );
    expect((await stageAhead(povoDossierFor(pupil(11)), randomUUID())).status).toBe(201);
    expect(await keyRow('po-las', stale)).toBeUndefined();
  });
});
