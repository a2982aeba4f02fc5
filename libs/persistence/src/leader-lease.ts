import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * How a lease's connection is kept honest. The leader notices a lost connection within
 * `checkIntervalMs + checkTimeoutMs` (a check that fails or does not answer); PostgreSQL drops a dead or
 * unreachable leader's session, and with it the lock, after at most
 * `keepaliveIdleSeconds + keepaliveIntervalSeconds × keepaliveCount` seconds of silence (TCP keepalive on
 * the server side; a killed process's socket closes at once). The first bound is the smaller, so a leader
 * cut off from PostgreSQL stands down before another can win the lock.
 */
export interface LeaderLeaseTiming {
  /** How often a standby tries the lock (the issue: about every second). */
  retryIntervalMs: number;
  /**
   * A leader that lost its connection waits this long before competing again: a standby with a sound
   * connection gets the role, not the process whose connection just failed.
   */
  rejoinDelayMs: number;
  /** How often the leader checks that its connection (and so its lock) is still there. */
  checkIntervalMs: number;
  /** A check, connect or lock attempt that takes longer counts as a lost connection. */
  checkTimeoutMs: number;
  keepaliveIdleSeconds: number;
  keepaliveIntervalSeconds: number;
  keepaliveCount: number;
}

export const DEFAULT_LEADER_LEASE_TIMING: LeaderLeaseTiming = {
  retryIntervalMs: 1_000,
  rejoinDelayMs: 3_000,
  checkIntervalMs: 1_000,
  checkTimeoutMs: 2_000,
  keepaliveIdleSeconds: 5,
  keepaliveIntervalSeconds: 2,
  keepaliveCount: 3,
};

/** The longest PostgreSQL keeps an unreachable leader's lock, in seconds (see LeaderLeaseTiming). */
export function leaderLockReleaseBoundSeconds(timing: LeaderLeaseTiming): number {
  return timing.keepaliveIdleSeconds + timing.keepaliveIntervalSeconds * timing.keepaliveCount;
}

/**
 * Start-up options (`-c …`) that make PostgreSQL end a session whose peer vanished within
 * `leaderLockReleaseBoundSeconds`: server-side TCP keepalive, and a user timeout for data sent and never
 * acknowledged. For the lease's connection, and for any connection whose locks must not outlive a dead
 * leader (the sequencer's batches hold a transaction lock).
 */
export function deadPeerSessionSettings(timing: LeaderLeaseTiming = DEFAULT_LEADER_LEASE_TIMING): string {
  return [
    `-c tcp_keepalives_idle=${timing.keepaliveIdleSeconds}`,
    `-c tcp_keepalives_interval=${timing.keepaliveIntervalSeconds}`,
    `-c tcp_keepalives_count=${timing.keepaliveCount}`,
    `-c tcp_user_timeout=${leaderLockReleaseBoundSeconds(timing) * 1000}`,
  ].join(' ');
}

export interface LeaderLeaseOptions {
  /** The database to hold the lock in (its URL; the lease opens its own connection, never a pool's). */
  url: string;
  /** What is led, e.g. `log-sequencer`: part of the connection's application_name. */
  role: string;
  /** pg advisory lock key of this role; one key per role, distinct from every other lock's. */
  lockKey: bigint | number;
  /** The database role the connection acts as (`-c role=…`), as the pools do; unset: the login. */
  runAs?: string;
  /** Called when this process wins the lock; the role runs from here until `onStepDown`. */
  onLead: () => void | Promise<void>;
  /** Called when the lock is lost (connection gone) or the lease stops; the role must stop at once. */
  onStepDown: () => void | Promise<void>;
  timing?: Partial<LeaderLeaseTiming>;
}

/** What `pg_stat_activity.application_name` shows for a lease's connection: who leads (or waits) for what. */
export function leaderApplicationName(role: string, pid: number = process.pid): string {
  return `oso-leader:${role}:${pid}`;
}

const PLAIN_ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const LEASE_ROLE = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * One leader at a time for a role, across every process on one database: a session-level
 * `pg_try_advisory_lock` held on a dedicated connection. The lock lives exactly as long as that session,
 * so whatever ends it — the process killed, the connection terminated, the network gone (keepalive) —
 * frees the role for a standby, which tries again every `retryIntervalMs`. The leader checks its
 * connection every `checkIntervalMs` and steps down the moment it is lost; it then competes again like
 * any standby. Knows nothing of what it leads: callers get `onLead`/`onStepDown`.
 *
 * A lease alone cannot fence a leader that has not noticed yet (a paused process): work it guards should
 * also be safe under a second writer (a per-transaction lock, unique keys).
 */
export class LeaderLease {
  private readonly logger: Logger;
  private readonly timing: LeaderLeaseTiming;
  private client: Client | null = null;
  private isLeading = false;
  private stopped = true;
  /** Not before this time (ms) does a lease that lost the role compete again. */
  private rejoinAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Every transition runs on this chain, so a check, a step-down and stop never interleave. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderLeaseOptions) {
    if (!LEASE_ROLE.test(options.role)) throw new Error(`not a plain lease role name: ${options.role}`);
    if (options.runAs !== undefined && !PLAIN_ROLE_NAME.test(options.runAs)) {
      throw new Error(`not a plain database role name: ${options.runAs}`);
    }
    this.timing = { ...DEFAULT_LEADER_LEASE_TIMING, ...options.timing };
    this.logger = new Logger(`LeaderLease(${options.role})`);
  }

  get applicationName(): string {
    return leaderApplicationName(this.options.role);
  }

  /** True while this process holds the lock and the role runs. */
  get leading(): boolean {
    return this.isLeading;
  }

  /** Competes for the lock from now until `stop`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Steps down (the role stops first), releases the lock and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.enqueue(async () => {
      await this.stepDown('stopping');
      await this.disconnect(true);
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.enqueue(() => this.tick()).finally(() =>
        this.schedule(this.isLeading ? this.timing.checkIntervalMs : this.timing.retryIntervalMs),
      );
    }, delayMs);
    this.timer.unref();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step, step);
    return this.chain;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.isLeading) {
        await this.withTimeout(this.client!.query('SELECT 1'));
        return;
      }
      if (Date.now() < this.rejoinAt) return;
      const client = this.client ?? (await this.connect());
      const { rows } = await this.withTimeout(
        client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
          String(this.options.lockKey),
        ]),
      );
      if (!rows[0].locked || this.stopped) {
        if (rows[0].locked) await this.disconnect(true);
        return;
      }
      this.isLeading = true;
      this.logger.log(`leading (${this.applicationName})`);
      await this.options.onLead();
    } catch (error) {
      // The connection is gone or hangs: whatever it held is lost with it.
      await this.stepDown(`connection lost (${error instanceof Error ? error.name : typeof error})`);
      await this.disconnect(false);
    }
  }

  private async connect(): Promise<Client> {
    const { timing } = this;
    const settings = [
      deadPeerSessionSettings(timing),
      ...(this.options.runAs !== undefined ? [`-c role=${this.options.runAs}`] : []),
    ];
    const client = new Client({
      connectionString: this.options.url,
      application_name: this.applicationName,
      options: settings.join(' '),
      connectionTimeoutMillis: timing.checkTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: timing.keepaliveIdleSeconds * 1000,
    });
    // A connection dying between checks (terminated, server restarted): step down now, not at the next check.
    client.on('error', () => {
      if (this.client !== client) return;
      void this.enqueue(async () => {
        if (this.client !== client) return;
        await this.stepDown('connection lost');
        await this.disconnect(false);
      });
    });
    this.client = client;
    try {
      await client.connect();
    } catch (error) {
      this.client = null;
      void client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async stepDown(why: string): Promise<void> {
    if (!this.isLeading) return;
    this.isLeading = false;
    this.rejoinAt = Date.now() + this.timing.rejoinDelayMs;
    // A lost connection is worth a warning; a clean stop is not.
    if (this.stopped) this.logger.log(`stepping down: ${why}`);
    else this.logger.warn(`stepping down: ${why}`);
    try {
      await this.options.onStepDown();
    } catch (error) {
      this.logger.error(
        `the role did not stop cleanly: ${error instanceof Error ? error.name : typeof error}`,
      );
    }
  }

  /**
   * Closes the lease's connection. A clean stop (`unlock`) releases the lock and says goodbye; a lost one
   * is cut at the socket, as a goodbye may wait on a peer that is gone.
   */
  private async disconnect(unlock: boolean): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (unlock) {
      await this.withTimeout(
        client.query('SELECT pg_advisory_unlock($1)', [String(this.options.lockKey)]),
      ).catch(() => undefined);
      await this.withTimeout(client.end()).catch(() => undefined);
    }
    client.connection.stream.destroy();
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LeaseCheckTimeoutError()), this.timing.checkTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

class LeaseCheckTimeoutError extends Error {
  constructor() {
    super('the lease connection did not answer in time');
    this.name = 'LeaseCheckTimeoutError';
  }
}
