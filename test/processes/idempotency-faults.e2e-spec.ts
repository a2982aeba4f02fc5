import { DossierVersionEntity, sealedOf, versionContext } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { keyHash } from '../../apps/broker-api/src/idempotency/idempotency-key';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort } from '../support/built-process';
import { validBsns } from '../support/dossier-pupil';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { dossierWithAttachments, povoDossierFor } from '../support/large-dossiers';
import { ApiResponse, VendorClient } from '../support/vendor-client';

/**
 * Issue #14, item 3: an API instance killed mid-upload; the vendor's retry with the same Idempotency-Key
 * on another instance creates no duplicate version. Two BUILT broker-api processes (A and B, two ports,
 * as behind a load balancer) on one database and one Redis; A is SIGKILLed (1) while its step waits in
 * PostgreSQL, before anything commits — the test holds `dossier_versions` in SHARE mode and kills A
 * once PostgreSQL shows it waiting — and (2) right after its version is committed (polled for in the
 * database), before the vendor reads the answer. Nothing is timed: moments are reached by holding locks
 * and polling, and deadlines only turn a hang into a failure.
 */
const GUARD_MS = 120_000;
const DOSSIER_BYTES = 8 * 1024 * 1024;
const BSNS = validBsns(2, 47_000_000);

/** Polls until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, guardMs = GUARD_MS): Promise<void> {
  for (const deadline = Date.now() + guardMs; Date.now() < deadline;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

describe('Idempotency-Key across broker-api instances, the first one SIGKILLed', () => {
  let exchange: Exchange;
  let database: Client;
  let dataSource: DataSource;
  let vault: DossierVault;
  const running: BuiltProcess[] = [];
  const clients: VendorClient[] = [];
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-idem-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'idempotency_faults' });
    database = exchange.database;
    dataSource = exchange.broker.app.get(DataSource);
    vault = exchange.broker.app.get(DossierVault);
  }, SLOW_PROCESS_TEST_TIMEOUT_MS);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const instance of running.splice(0)) await instance.stop('SIGKILL');
  });

  afterAll(() => exchange?.close());

  /** One broker-api instance, built, on its own port, sharing the database and Redis. */
  async function instance(): Promise<VendorClient> {
    const port = await freePort();
    const api = new BuiltProcess('broker-api', [], {
      DATABASE_URL: exchange.databaseUrl,
      PKI_DIR: exchange.pki.dir,
      REDIS_PREFIX: prefix,
      BROKER_PORT: String(port),
      OPS_PORT: String(await freePort()),
      BROKER_API_PROCESSES: '1',
    });
    running.push(api);
    await api.waitForLine(/^broker-api: ready$/, GUARD_MS);
    const client = new VendorClient(port, exchange.credentials.po, exchange.pki.caCertificate);
    clients.push(client);
    return client;
  }

  const upload = (client: VendorClient, dossier: Buffer, key: string) =>
    client.send('POST', '/v1/dossiers', dossier, { headers: { 'Idempotency-Key': key } });

  /** The vendor's retry loop: waits out Retry-After while the key is in flight; every answer in order. */
  async function retryUntilAnswered(client: VendorClient, dossier: Buffer, key: string) {
    const answers: ApiResponse[] = [];
    for (const deadline = Date.now() + GUARD_MS; Date.now() < deadline;) {
      const answer = await upload(client, dossier, key);
      answers.push(answer);
      if (answer.body.error !== 'IDEMPOTENCY_KEY_IN_FLIGHT') return answers;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers['retry-after']) * 1000));
    }
    throw new Error('the key stayed in flight');
  }

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  /** The versions stored with exactly these bytes. */
  const versionsOf = (dossier: Buffer) =>
    dataSource.getRepository(DossierVersionEntity).findBy({ contentSha256: sha256(dossier) });

  const keyState = async (key: string) =>
    (
      await database.query<{ state: string }>('SELECT state FROM idempotency_keys WHERE key_sha256 = $1', [
        keyHash(key),
      ])
    ).rows[0]?.state;

  /** Exactly one version, its payload opening to the bytes uploaded, and one staging entry in the log. */
  async function expectOneIntactVersion(dossier: Buffer): Promise<DossierVersionEntity> {
    const versions = await versionsOf(dossier);
    expect(versions).toHaveLength(1);
    const [version] = versions;
    expect(vault.open(sealedOf(version), versionContext(version.id)).equals(dossier)).toBe(true);
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM exchange_log_entries
        WHERE event_type = 'version_staged' AND version_hash = $1`,
      [version.canonicalSha256],
    );
    expect(rows[0].n).toBe(1);
    return version;
  }

  it(
    'A killed while its step waits to commit: the retry on B is refused as in flight until A’s lease lapses, then stores the one version',
    async () => {
      const [a, b] = [await instance(), await instance()];
      const dossier = dossierWithAttachments(
        DOSSIER_BYTES,
        povoDossierFor({ bsn: BSNS[0], geboortedatum: '2014-05-01' }),
      );
      const key = randomUUID();
      const holder = new Client({ connectionString: exchange.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE dossier_versions IN SHARE MODE');
        const first = upload(a, dossier, key).catch((error: unknown) => error);
        await until('A waits for dossier_versions', async () => {
          const { rows } = await database.query(
            `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'dossier_versions' AND NOT l.granted`,
          );
          return rows.length > 0;
        });
        expect(await keyState(key)).toBe('in_flight');
        running[0].signal('SIGKILL');
        expect(await running[0].exited).toEqual({ code: null, signal: 'SIGKILL' });
        // The vendor saw the connection drop, no answer (an error from another realm: no instanceof).
        expect(Object.prototype.toString.call(await first)).toBe('[object Error]');
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect(await versionsOf(dossier)).toHaveLength(0);
      // A's claim outlived it, but only until its lease lapses (it is no longer renewed).
      expect(await keyState(key)).toBe('in_flight');

      const answers = await retryUntilAnswered(b, dossier, key);
      const last = answers[answers.length - 1];
      for (const early of answers.slice(0, -1)) {
        expect([early.status, early.body.error]).toEqual([409, 'IDEMPOTENCY_KEY_IN_FLIGHT']);
        expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect([last.status, last.headers['idempotent-replayed']]).toEqual([201, undefined]);
      const version = await expectOneIntactVersion(dossier);
      expect((last.body.version as { id: string }).id).toBe(version.id);

      // And B's answer is now the key's answer, for any instance.
      const again = await upload(b, dossier, key);
      expect([again.status, again.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(again.raw.equals(last.raw)).toBe(true);
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'A killed right after its version committed, before the answer is read: the retry on B creates nothing and answers for it',
    async () => {
      const [a, b] = [await instance(), await instance()];
      const dossier = dossierWithAttachments(
        DOSSIER_BYTES,
        povoDossierFor({ bsn: BSNS[1], geboortedatum: '2014-06-01' }),
      );
      const key = randomUUID();
      const first = upload(a, dossier, key).catch((error: unknown) => error);
      await until('A committed the version', async () => (await versionsOf(dossier)).length > 0);
      running[0].signal('SIGKILL');
      expect(await running[0].exited).toEqual({ code: null, signal: 'SIGKILL' });
      await first; // answered or cut off: the vendor does not use it either way and retries
      const version = await expectOneIntactVersion(dossier);

      // The key committed with the version, in its transaction; whether A also stored its answer
      // before it died decides what B can say: that answer, or that it was lost (nothing is redone).
      const state = await keyState(key);
      expect(['committed', 'completed']).toContain(state);
      const answers = await retryUntilAnswered(b, dossier, key);
      const last = answers[answers.length - 1];
      if (state === 'completed') {
        expect([last.status, last.headers['idempotent-replayed']]).toEqual([201, 'true']);
        expect((last.body.version as { id: string }).id).toBe(version.id);
      } else {
        expect([last.status, last.body.error]).toEqual([409, 'IDEMPOTENCY_ANSWER_LOST']);
      }
      await expectOneIntactVersion(dossier);
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );
});
