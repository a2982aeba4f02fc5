import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import {
  DEFAULT_LEADER_LEASE_TIMING,
  LeaderLease,
  leaderApplicationName,
  leaderLockReleaseBoundSeconds,
} from './leader-lease';

const LOCK_KEY = 4_242_000_001;
/** A takeover needs: the other lease's next try (1 s) after PostgreSQL ended the session (at once). */
const TAKEOVER_BOUND_MS = 10_000;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/** A lease with a log of what it was told: `lead` and `step-down`, in order. */
function lease(url: string) {
  const events: string[] = [];
  const instance = new LeaderLease({
    url,
    role: 'test-role',
    lockKey: LOCK_KEY,
    onLead: () => void events.push('lead'),
    onStepDown: () => void events.push('step-down'),
  });
  return { lease: instance, events };
}

/**
 * A TCP forwarder to PostgreSQL that can go silent (`hold`: bytes and closes dropped both ways, sockets kept
 * open, as a network that stopped delivering) and then `cut` (every socket destroyed: PostgreSQL sees its peer
 * gone, as it would once TCP keepalive gives up on a real partition).
 */
class SilenceableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private silent = false;

  async start(target: { host: string; port: number }): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(from);
        from.on('data', (bytes: Buffer) => {
          if (!this.silent) to.write(bytes);
        });
        from.on('error', () => undefined);
        // A silent network delivers no goodbye either: the other side keeps its socket until `cut`.
        from.on('close', () => {
          if (!this.silent) to.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  hold(): void {
    this.silent = true;
  }

  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('LeaderLease (real PostgreSQL)', () => {
  let url: string;
  let admin: Client;
  const started: LeaderLease[] = [];
  const start = (url: string) => {
    const made = lease(url);
    started.push(made.lease);
    made.lease.start();
    return made;
  };

  /** The backend pids holding the lease's lock, as pg_locks shows them (bigint key: high and low halves). */
  const holders = async (): Promise<number[]> => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          -- pg_locks lists every database's locks: only this suite's database counts (and may be ended).
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [String(LOCK_KEY)],
    );
    return rows.map((row) => row.pid);
  };

  beforeAll(async () => {
    url = await createSuiteDatabase('leader_lease', { migrate: false });
    admin = new Client({ connectionString: url });
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((instance) => instance.stop()));
  });
  afterAll(() => admin?.end());

  it('gives the role to exactly one of two leases, on a connection named for the role and process', async () => {
    const first = start(url);
    const second = start(url);
    await until(() => first.lease.leading || second.lease.leading, TAKEOVER_BOUND_MS);
    // Several more rounds of trying: the standby keeps trying and keeps failing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect([first.lease.leading, second.lease.leading].filter(Boolean)).toHaveLength(1);
    const [holder] = await holders();
    expect(await holders()).toHaveLength(1);
    const { rows } = await admin.query<{ application_name: string }>(
      'SELECT application_name FROM pg_stat_activity WHERE pid = $1',
      [holder],
    );
    expect(rows[0].application_name).toBe(`oso-leader:test-role:${process.pid}`);
    expect(leaderApplicationName('test-role')).toBe(rows[0].application_name);
    const leader = first.lease.leading ? first : second;
    const standby = first.lease.leading ? second : first;
    expect(leader.events).toEqual(['lead']);
    expect(standby.events).toEqual([]);
  });

  it('hands the role over when the leader’s connection is terminated: the leader steps down, the other leads', async () => {
    const first = start(url);
    await until(() => first.lease.leading, TAKEOVER_BOUND_MS);
    const second = start(url);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(second.lease.leading).toBe(false);

    const [holder] = await holders();
    await admin.query('SELECT pg_terminate_backend($1)', [holder]);
    const takeoverMs = await until(() => second.lease.leading, TAKEOVER_BOUND_MS);
    expect(first.events).toEqual(['lead', 'step-down']);
    expect(second.events).toEqual(['lead']);
    expect(takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS);
    // The old leader competes again as a standby, and loses while the new one holds the lock.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(first.lease.leading).toBe(false);
    expect(await holders()).toHaveLength(1);
  });

  it('releases the lock on stop, so a standby leads at its next try', async () => {
    const first = start(url);
    await until(() => first.lease.leading, TAKEOVER_BOUND_MS);
    const second = start(url);
    await first.lease.stop();
    expect(first.events).toEqual(['lead', 'step-down']);
    await until(() => second.lease.leading, TAKEOVER_BOUND_MS);
    const { rows } = await admin.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`,
      [leaderApplicationName('test-role')],
    );
    // The stopped lease closed its connection: only the new leader's is left.
    expect(Number(rows[0].count)).toBe(1);
  });

  it('steps down when its connection goes silent, while PostgreSQL still holds the lock for it; then hands over', async () => {
    const proxy = new SilenceableProxy();
    const target = new URL(url);
    const proxied = new URL(url);
    proxied.port = String(await proxy.start({ host: target.hostname, port: Number(target.port || 5432) }));
    try {
      const cutOff = start(proxied.toString());
      await until(() => cutOff.lease.leading, TAKEOVER_BOUND_MS);
      const other = start(url);
      const [heldBy] = await holders();

      proxy.hold();
      // Within a check interval plus the check's timeout (3 s by default); generous for a busy machine.
      await until(() => !cutOff.lease.leading, TAKEOVER_BOUND_MS);
      expect(cutOff.events).toEqual(['lead', 'step-down']);
      // PostgreSQL has not noticed yet (the proxy keeps the socket alive): the lock is still the old
      // session's, so nobody leads — never two at once.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await holders()).toEqual([heldBy]);
      expect(other.lease.leading).toBe(false);

      proxy.cut(); // PostgreSQL sees the peer gone and ends the session: the lock is free
      await until(() => other.lease.leading, TAKEOVER_BOUND_MS);
      expect(other.events).toEqual(['lead']);
    } finally {
      await proxy.stop();
    }
  });

  it('steps down when PostgreSQL stops answering, before PostgreSQL would give the lock to another', () => {
    const timing = DEFAULT_LEADER_LEASE_TIMING;
    // The leader notices within one check interval plus the check's timeout ...
    const leaderNoticesSeconds = (timing.checkIntervalMs + timing.checkTimeoutMs) / 1000;
    // ... and the server keeps an unreachable session (its lock) for idle + interval × count seconds.
    expect(leaderLockReleaseBoundSeconds(timing)).toBe(11);
    expect(leaderNoticesSeconds).toBeLessThan(leaderLockReleaseBoundSeconds(timing));
  });
});
