import { RELEASE_QUEUE, bullConnectionOptions, readRedisConfig } from '@app/queues';
import { releaseJobId } from '@app/transfers';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { Client } from 'pg';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS } from '../support/built-process';
import { Exchange, startExchange } from '../support/exchange-fixture';
import {
  recordInzageByLetter,
  releasesOf as releasesInLog,
  stagePoDossier,
  transferState,
} from '../support/release-steps';

/**
 * SIGKILL of the BUILT release worker at the two moments issue #11 names, against the real broker,
 * PostgreSQL and Redis; releases are counted from the exchange log. The moments are reached by holding
 * things, not by sleeping:
 * (a) between lock and commit: the test holds `exchange_log_entries` in SHARE mode, so the worker — having
 *     locked the transfer row — waits to append its log entries; it is killed while PostgreSQL shows it so;
 * (b) after commit, before the job is acknowledged: the worker talks to Redis through a proxy the test
 *     freezes while the worker still waits in PostgreSQL, so its acknowledgement cannot reach Redis; it is
 *     killed once the `released` entry is in the log, and the job is then still `active` in BullMQ.
 * A fresh worker then finishes: the killed job is recovered as stalled (BullMQ's lock expiry, ~30-60 s).
 */
/** Only a guard against hanging: a killed job comes back after BullMQ's lock (30 s) and stalled check. */
const RECOVERY_GUARD_MS = 180_000;
let seed = 900;

/** A TCP proxy to Redis whose worker-to-Redis direction the test can freeze (nothing more reaches Redis). */
class FreezableProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly fromClients = new Set<Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      this.fromClients.add(client);
      upstream.pipe(client);
      client.pipe(upstream);
      if (this.frozen) client.pause();
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  /** From now on nothing the worker writes reaches Redis (it stays unread in the proxy's sockets). */
  freeze(): void {
    this.frozen = true;
    for (const client of this.fromClients) {
      client.unpipe();
      client.pause();
    }
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('release worker faults: SIGKILL between lock and commit, and after commit before the ack', () => {
  let exchange: Exchange;
  let queue: Queue;
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-faults-${randomUUID().slice(0, 8)}`;
  const workerEnv = () => ({ DATABASE_URL: exchange.databaseUrl, REDIS_PREFIX: prefix });
  const running: BuiltProcess[] = [];

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'release_faults' });
    queue = new Queue(RELEASE_QUEUE, { connection: bullConnectionOptions(readRedisConfig()), prefix });
  }, SLOW_PROCESS_TEST_TIMEOUT_MS);

  afterEach(async () => {
    for (const worker of running.splice(0)) await worker.stop('SIGKILL');
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await exchange?.close();
  });

  function startWorker(env: Record<string, string> = {}): BuiltProcess {
    const worker = new BuiltProcess('release-worker', [], { ...workerEnv(), ...env });
    running.push(worker);
    return worker;
  }

  const staged = () => stagePoDossier(exchange, ++seed);
  const inzageGiven = (id: string, versionHash: string) =>
    recordInzageByLetter(exchange, { id, versionHash });
  const stateOf = (id: string) => transferState(exchange.database, id);
  const releasesOf = (id: string) => releasesInLog(exchange.database, id);

  /** One eligible transfer and one staged without evidence (the gate says wait: never to be released). */
  async function twoTransfers() {
    const eligible = await staged();
    await inzageGiven(eligible.id, eligible.versionHash);
    const ineligible = await staged();
    return { eligible, ineligible };
  }

  /** Releases in the whole log that no gate decision `release` for the transfer precedes. */
  const releasesWithoutGate = async () =>
    Number(
      (
        await exchange.database.query<{ n: string }>(
          `SELECT count(*) AS n FROM exchange_log_entries released
            WHERE released.event_type = 'state_changed' AND released.details->>'to' = 'released'
              AND NOT EXISTS (SELECT 1 FROM exchange_log_entries gate
                               WHERE gate.transfer_id = released.transfer_id AND gate.id < released.id
                                 AND gate.event_type = 'gate_decided' AND gate.details->>'outcome' = 'release')`,
        )
      ).rows[0].n,
    );

  /** Polls until `check` holds; the deadline only turns a hang into a failure with a message. */
  async function until(what: string, check: () => Promise<boolean>, guardMs = RECOVERY_GUARD_MS) {
    for (const deadline = Date.now() + guardMs; Date.now() < deadline;) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gave up waiting for: ${what}`);
  }

  /** Holds `exchange_log_entries` in SHARE mode (INSERT waits) until the returned release is called. */
  async function holdLogTable(): Promise<{ holder: Client; release: () => Promise<void> }> {
    const holder = new Client({ connectionString: exchange.databaseUrl, application_name: 'faults-test' });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE exchange_log_entries IN SHARE MODE');
    return {
      holder,
      release: async () => {
        await holder.query('ROLLBACK');
        await holder.end();
      },
    };
  }

  /**
   * The backend of a worker that has locked the transfer row (FOR UPDATE: RowShareLock on `transfers`)
   * and waits for a lock — inside its release transaction, before the commit.
   */
  async function workerWaitingInsideTransaction(): Promise<number | undefined> {
    const found = await exchange.database.query<{ pid: number }>(
      `SELECT a.pid FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.state = 'active'
          AND a.application_name <> 'faults-test'
          AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                       WHERE l.pid = a.pid AND l.granted AND c.relname = 'transfers' AND l.mode = 'RowShareLock')`,
    );
    return found.rows[0]?.pid;
  }

  async function backendWaitsOnLock(pid: number): Promise<boolean> {
    const found = await exchange.database.query(
      `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
      [pid],
    );
    return found.rowCount === 1;
  }

  async function backendGone(pid: number): Promise<boolean> {
    const found = await exchange.database.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    return found.rowCount === 0;
  }

  async function queueDrained(): Promise<boolean> {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    return Object.values(counts).every((n) => n === 0);
  }

  /** A fresh worker: the eligible dossier is released exactly once, the other never. */
  async function freshWorkerFinishes(eligibleId: string, ineligibleId: string): Promise<void> {
    const fresh = startWorker();
    await fresh.waitForLine(/connected to its queues/);
    await until('the eligible dossier is released', async () => (await releasesOf(eligibleId)) >= 1);
    await until('the release queue drains', queueDrained);
    expect(await stateOf(eligibleId)).toBe('released');
    expect(await releasesOf(eligibleId)).toBe(1);
    expect(await stateOf(ineligibleId)).toBe('awaiting_evidence');
    expect(await releasesOf(ineligibleId)).toBe(0);
    expect(await releasesWithoutGate()).toBe(0);
    expect(await fresh.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }

  it(
    '(a) killed between locking the transfer and committing: nothing released, then released once',
    async () => {
      const { eligible, ineligible } = await twoTransfers();
      const logTable = await holdLogTable();
      let pid: number | undefined;
      try {
        const worker = startWorker();
        await until('the worker waits inside its release transaction', async () => {
          pid = await workerWaitingInsideTransaction();
          return pid !== undefined;
        });
        worker.signal('SIGKILL');
        expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
        // The moment is proven: the process is dead while its transaction still waits, uncommitted.
        expect(await backendWaitsOnLock(pid as number)).toBe(true);
      } finally {
        await logTable.release();
      }
      // Given the lock, the orphaned backend finds its client gone and rolls back.
      await until('the killed worker’s backend ends', () => backendGone(pid as number));
      expect(await stateOf(eligible.id)).toBe('release_queued');
      expect(await releasesOf(eligible.id)).toBe(0);
      // The job was taken and never acknowledged.
      expect(
        await queue.getJobState(releaseJobId({ transferId: eligible.id, versionHash: eligible.versionHash })),
      ).toBe('active');

      await freshWorkerFinishes(eligible.id, ineligible.id);
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    '(b) killed after committing the release, before acknowledging the job: released once',
    async () => {
      const { eligible, ineligible } = await twoTransfers();
      const redisUrl = new URL(readRedisConfig().url);
      const proxy = new FreezableProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
      await proxy.listen();
      const viaProxy = new URL(redisUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      try {
        const logTable = await holdLogTable();
        const worker = startWorker({ REDIS_URL: viaProxy.toString() });
        try {
          await until(
            'the worker waits inside its release transaction',
            async () => (await workerWaitingInsideTransaction()) !== undefined,
          );
          // Before the commit can happen: whatever the worker sends to Redis from now on never arrives.
          proxy.freeze();
        } finally {
          await logTable.release();
        }
        await until('the release is committed', async () => (await releasesOf(eligible.id)) === 1);
        worker.signal('SIGKILL');
        expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
      } finally {
        await proxy.close();
      }
      expect(await stateOf(eligible.id)).toBe('released');
      // The moment is proven: committed, yet BullMQ still holds the job as active (never acknowledged).
      expect(
        await queue.getJobState(releaseJobId({ transferId: eligible.id, versionHash: eligible.versionHash })),
      ).toBe('active');

      await freshWorkerFinishes(eligible.id, ineligible.id);
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );
});
