import { SEQUENCER_LEADER_LOCK_KEY } from '@app/exchange-log';
import { SignedClient } from '@app/http-signing';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { StartedBenchBroker, startBenchBroker } from '../../apps/cli/src/bench/load/bench-broker';
import { SeasonBroker } from '../../apps/cli/src/bench/season/season-client';
import { SeasonOutcome, driveSeason } from '../../apps/cli/src/bench/season/season-driver';
import { SeasonPlan } from '../../apps/cli/src/bench/season/season-plan';
import {
  ExchangeInvariants,
  VerifiedCheckpoint,
  checkExchangeInvariants,
  latestVerifiedCheckpoint,
} from '../support/exchange-invariants';
import { PrivateRedis } from '../support/private-redis';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * The stack the fault specs break: the built broker-api and two release workers (`startBenchBroker`, real
 * processes from `dist`), every one of their PostgreSQL connections through a TCP proxy the test controls,
 * and Redis a redis-server of the test's own — so PostgreSQL can "restart" and Redis restart empty without
 * touching a server other tests use. The load is `bench:season`'s driver: whole exchanges (request,
 * staging, inzage, consent, fetch, receipt) by several vendors, waiting out 503/429 with Retry-After as a
 * vendor does.
 */

/** Only a guard against a hang (BullMQ brings back a killed worker's job after its 30 s lock). */
export const FAULT_GUARD_MS = 180_000;
const POLL_MS = 50;
const RELAY_RECHECK_SECONDS = 5;
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
/** Each load its own BSNs (8-digit heads, far from other suites'). */
let nextBsnHead = 41_000_000;

export interface FaultStack {
  broker: StartedBenchBroker;
  database: Client;
  postgres: TcpProxy;
  redis: PrivateRedis;
  verifierKey: string;
  vaultEnv: { VAULT_KEKS: string; VAULT_ACTIVE_KEK: string };
  /** Every transfer the loads so far made eligible or withheld. */
  driven: { eligible: Set<string>; withheld: Set<string> };
  /** The pid of each broker process by name (`broker-api`, `release-worker`, `release-worker@2`, …). */
  pidOf(name: string): number;
  stop(): Promise<void>;
}

export async function startFaultStack(): Promise<FaultStack> {
  const postgres = await TcpProxy.forUrl(adminUrl);
  const redis = await PrivateRedis.start();
  const vaultEnv = {
    VAULT_KEKS: `faults-1:${randomBytes(32).toString('base64')}`,
    VAULT_ACTIVE_KEK: 'faults-1',
  };
  let broker: StartedBenchBroker | undefined;
  try {
    broker = await startBenchBroker({
      vendors: 3,
      schoolsPerVendor: 3,
      // One process per instance: a killed process is one instance, not a whole cluster.
      apiProcesses: 1,
      releaseWorkers: 2,
      databaseUrlForProcesses: (url) => postgres.through(url),
      env: {
        REDIS_URL: redis.url,
        ...vaultEnv,
        // Jobs lost with a flushed Redis are added again after this (default 60 s): shorter for the suite.
        RELEASE_RELAY_RECHECK_SECONDS: String(RELAY_RECHECK_SECONDS),
      },
      keepWorkDir: process.env.KEEP_FAULT_LOGS === '1',
    });
    const database = new Client({ connectionString: broker.databaseUrl, application_name: 'faults-test' });
    await database.connect();
    const started = broker;
    return {
      broker: started,
      database,
      postgres,
      redis,
      verifierKey: readFileSync(join(started.workDir, 'pki', 'log-key.pub'), 'utf8').trim(),
      vaultEnv,
      driven: { eligible: new Set(), withheld: new Set() },
      pidOf: (name) => {
        const found = started.memory().find((process) => process.name === name);
        if (!found) throw new Error(`no broker process named ${name}`);
        return found.pid;
      },
      stop: async () => {
        await database.end().catch(() => undefined);
        await started.stop();
        await postgres.close();
        await redis.stop();
      },
    };
  } catch (error) {
    await broker?.stop();
    await postgres.close();
    await redis.stop();
    throw error;
  }
}

/** Polls until `check` holds; the deadline only turns a hang into a failure that says what was awaited. */
export async function until(what: string, check: () => Promise<boolean> | boolean, guardMs = FAULT_GUARD_MS) {
  for (const deadline = Date.now() + guardMs; !(await check());) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LoadRun {
  /** The signed checkpoint taken before the load (and the fault). */
  before: VerifiedCheckpoint;
  /** Resolves when every pupil is through (or failed). */
  finished: Promise<SeasonOutcome>;
  plan: SeasonPlan;
  /** Transfers created by this load so far. */
  transfersSoFar(): Promise<number>;
}

/** Starts a steady load of `pupils` whole exchanges against `baseUrl` (default: the first broker-api). */
export async function startLoad(stack: FaultStack, pupils: number, baseUrl?: string): Promise<LoadRun> {
  const { broker } = stack;
  const before = await latestVerifiedCheckpoint(broker.databaseUrl, broker.schema, stack.verifierKey);
  const { rows } = await stack.database.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers');
  const existing = rows[0].n;
  const plan = new SeasonPlan(broker.vendors, pupils, 1, {
    voToVoShare: 0.3,
    sixteenPlusShare: 0.5,
    smallShare: 0.7,
    mediumShare: 0.3,
  });
  const target: SeasonBroker = { ...broker, baseUrl: baseUrl ?? broker.baseUrl };
  const firstBsnHead = nextBsnHead;
  nextBsnHead += 10_000;
  const finished = driveSeason(target, plan, {
    concurrency: 3,
    fetchConcurrency: 2,
    deadline: Date.now() + FAULT_GUARD_MS,
    graceMs: 60_000,
    maxAwaiting: 100,
    progress: () => undefined,
    progressEveryMs: 600_000,
    firstBsnHead,
  });
  return {
    before,
    finished,
    plan,
    transfersSoFar: async () => {
      const now = await stack.database.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers');
      return now.rows[0].n - existing;
    },
  };
}

/** Adds a load's transfers to those every later check covers; returns the outcome. */
export function recordDriven(stack: FaultStack, outcome: SeasonOutcome): SeasonOutcome {
  for (const id of outcome.eligible) stack.driven.eligible.add(id);
  for (const id of outcome.withheld) stack.driven.withheld.add(id);
  return outcome;
}

/**
 * The load's outcome and the invariants after it, over every load this stack has driven (the exchange log
 * holds them all: each earlier eligible transfer still released exactly once). Failures the spec has
 * asserted and explained itself (`explained`, by `step: status code`) are left out of the check that no
 * pupil failed.
 */
export async function finishAndCheck(
  stack: FaultStack,
  load: LoadRun,
  explained: string[] = [],
): Promise<{ outcome: SeasonOutcome; invariants: ExchangeInvariants }> {
  const outcome = recordDriven(stack, await load.finished);
  const everyLoad: SeasonOutcome = {
    ...outcome,
    eligible: new Set(stack.driven.eligible),
    withheld: new Set(stack.driven.withheld),
    failures: new Map([...outcome.failures].filter(([what]) => !explained.includes(what))),
  };
  const invariants = await checkExchangeInvariants({
    databaseUrl: stack.broker.databaseUrl,
    schema: stack.broker.schema,
    outcome: everyLoad,
    sectors: load.plan.sectors,
    vaultEnv: stack.vaultEnv,
    verifierKey: stack.verifierKey,
    before: load.before,
  });
  return { outcome, invariants };
}

/** How often the driver waited out a 503/429 (or resent a request a closing connection swallowed). */
export function retriesOf(outcome: SeasonOutcome): number {
  return Object.values(outcome.steps).reduce((sum, step) => sum + step.retries, 0);
}

export interface ProbeAnswer {
  status: number;
  retryAfter: string | undefined;
  error: string | undefined;
}

/** One signed vendor request that needs the database and Redis (its inbox), as a vendor sends it. */
export async function probe(stack: FaultStack, baseUrl = stack.broker.baseUrl): Promise<ProbeAnswer> {
  const vendor = stack.broker.vendors[0];
  const client = new SignedClient({
    certificatePem: vendor.certificatePem,
    keyPem: vendor.keyPem,
    caPem: stack.broker.caPem,
    brokerCertificatePem: stack.broker.brokerCertificatePem,
  });
  try {
    const answer = await client.request(new URL('/v1/transfers?role=target&limit=1', baseUrl), {
      method: 'GET',
    });
    const type = String(answer.headers['content-type'] ?? '');
    const body = type.includes('json')
      ? (JSON.parse(answer.body.toString('utf8')) as { error?: string })
      : {};
    const retryAfter = answer.headers['retry-after'];
    return {
      status: answer.status,
      retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
      error: body.error,
    };
  } finally {
    client.close();
  }
}

/**
 * The OS process holding a TCP connection whose local end is 127.0.0.1:`localPort`, among `pids`
 * (read from /proc: which of the processes' descriptors is that socket).
 */
export function ownerOfLocalPort(localPort: number, pids: number[]): number | undefined {
  const inodes = new Set<string>();
  for (const row of readFileSync('/proc/net/tcp', 'utf8').trim().split('\n').slice(1)) {
    const fields = row.trim().split(/\s+/);
    if (parseInt(fields[1].split(':')[1], 16) === localPort) inodes.add(fields[9]);
  }
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1])) return pid;
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** The broker process (among `pids`) behind a PostgreSQL backend, through the proxy's connection table. */
export async function processOfBackend(
  stack: FaultStack,
  backendPid: number,
  pids: number[],
): Promise<number | undefined> {
  const { rows } = await stack.database.query<{ port: number }>(
    'SELECT client_port AS port FROM pg_stat_activity WHERE pid = $1',
    [backendPid],
  );
  if (rows.length === 0) return undefined;
  const clientPort = stack.postgres.clientPortFor(rows[0].port);
  return clientPort === undefined ? undefined : ownerOfLocalPort(clientPort, pids);
}

/**
 * The process leading the log's sequencer: its lease connection (issue #14, `LeaderLease`) is named
 * `oso-leader:log-sequencer:<pid>` and holds the lease's session advisory lock (standbys keep a connection
 * of the same name without the lock).
 */
export async function sequencerLeader(stack: FaultStack, apiPids: number[]): Promise<number | undefined> {
  const named = await stack.database.query<{ name: string }>(
    `SELECT a.application_name AS name FROM pg_stat_activity a
      WHERE a.datname = current_database() AND a.application_name LIKE 'oso-leader:log-sequencer:%'
        AND EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                       AND ((l.classid::bigint << 32) | l.objid::bigint) = $1)`,
    [SEQUENCER_LEADER_LOCK_KEY],
  );
  const leaders = named.rows.map((row) => Number(row.name.split(':').pop()));
  if (leaders.length > 1) throw new Error(`two sequencer leaders at once: ${leaders.join(', ')}`);
  return leaders.find((pid) => apiPids.includes(pid));
}

/**
 * Holds the webhook outbox in SHARE mode (inserts wait) until `release()`: in the season's load only a
 * release writes it, so each release transaction then waits there — transfer locked, release logged, not
 * committed — while the API goes on serving.
 */
export async function holdReleasesBeforeCommit(stack: FaultStack): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: stack.broker.databaseUrl, application_name: HOLDER_NAME });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE notification_outbox IN SHARE MODE');
  return {
    release: async () => {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

const HOLDER_NAME = 'faults-test-holder';

/** Backends waiting for a lock inside a release transaction (they hold a transfer row: RowShareLock). */
export async function backendsInsideRelease(stack: FaultStack): Promise<number[]> {
  const { rows } = await stack.database.query<{ pid: number }>(
    `SELECT a.pid FROM pg_stat_activity a
      WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.state = 'active'
        AND a.application_name NOT IN ('faults-test', $1)
        AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                     WHERE l.pid = a.pid AND l.granted AND c.relname = 'transfers' AND l.mode = 'RowShareLock')`,
    [HOLDER_NAME],
  );
  return rows.map((row) => row.pid);
}

/** Transfers eligible and queued for release, not yet released. */
export async function releaseQueued(stack: FaultStack): Promise<number> {
  const { rows } = await stack.database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM transfers WHERE state = 'release_queued'`,
  );
  return rows[0].n;
}
