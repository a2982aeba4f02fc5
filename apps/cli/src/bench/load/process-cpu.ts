import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import Redis from 'ioredis';

/**
 * CPU time (user + system, from /proc/<pid>/stat) of every process a benchmark's work runs in, per
 * operation: wall rates on a shared machine swing with the neighbours, CPU per operation carries over
 * (cores × 1000 ÷ ms per operation is what the machine could reach alone). `npm run bench` (per scenario)
 * and `npm run bench:season` (per pupil) both measure here. Linux only; elsewhere the figures are absent.
 *
 * Counted: broker-api (the primary and its cluster workers; a process's stat covers all its threads, so the
 * validation worker threads are in), release-worker, the PostgreSQL backends serving the bench's own
 * database, the Redis server (shared with anyone else using it on this machine), the driver.
 * Not counted: PostgreSQL's postmaster, WAL writer, checkpointer, background writer and autovacuum (they
 * serve every database on the server, and other helpers' tests run there too).
 */

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every mainstream architecture). */
export const TICKS_PER_SECOND = 100;
/** How often the processes are looked at: a backend or cluster worker that ends loses at most this much. */
const SAMPLE_EVERY_MS = 1000;

/** The groups a table shows, in its order. */
export const CPU_GROUPS = ['broker-api', 'release-worker', 'postgres', 'redis', 'driver'] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];

export interface ProcessTimes {
  /** CPU seconds (user + system) so far. */
  cpuSeconds: number;
  /** Clock ticks after boot the process started: tells a process from a later one with the same pid. */
  startTicks: string;
}

/** utime + stime and the start time of one `/proc/<pid>/stat` line (the name may hold spaces and `)`). */
export function parseProcStat(line: string): ProcessTimes | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  // Fields after the name: [0] is field 3 (state); utime, stime, starttime are fields 14, 15, 22.
  const fields = line.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const startTicks = fields[19];
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !startTicks) return null;
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, startTicks };
}

export function processTimesOf(pid: number): ProcessTimes | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The command name of a process (`/proc/<pid>/comm`), or null when it is gone or not on this machine. */
function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** One process's CPU seen by the meter: at the start (0 for a process that began later) and last. */
export interface CpuReading {
  group: CpuGroup;
  first: number;
  last: number;
}

/** CPU seconds spent per group between the first and the last reading of each process. */
export function spentByGroup(readings: Iterable<CpuReading>): Map<CpuGroup, number> {
  const spent = new Map<CpuGroup, number>();
  for (const { group, first, last } of readings)
    spent.set(group, (spent.get(group) ?? 0) + Math.max(0, last - first));
  return spent;
}

/** CPU milliseconds per operation: seconds spent ÷ operations (NaN without operations). */
export function msPerOperation(seconds: number, operations: number): number {
  return operations > 0 ? (seconds * 1000) / operations : Number.NaN;
}

/** Operations per second the machine's cores could carry alone at this CPU cost per operation. */
export function cpuCeilingPerSecond(cores: number, totalMsPerOperation: number): number {
  return totalMsPerOperation > 0 ? (cores * 1000) / totalMsPerOperation : Number.NaN;
}

/** What a meter needs to know of a benchmark broker. */
export interface CpuSources {
  /** The broker's processes (broker-api, its cluster workers `broker-api#n`, release-worker). */
  brokerProcesses(): ReadonlyArray<{ name: string; pid: number }>;
  /** An admin connection string (to read pg_stat_activity) and the bench database's name. */
  adminDatabaseUrl: string;
  database: string;
  redisUrl: string;
}

/** CPU seconds per group over a measured span, and how long it lasted. */
export interface CpuSpent {
  seconds: Map<CpuGroup, number>;
  wallSeconds: number;
  /** Groups the meter could not see (not Linux, PostgreSQL or Redis on another machine). */
  unseen: CpuGroup[];
}

const groupOf = (name: string): CpuGroup | null =>
  name === 'release-worker' ? 'release-worker' : name.startsWith('broker-api') ? 'broker-api' : null;

/**
 * Measures one span (a scenario, a season): `start()`, the work, `stop()`. Samples every second so a
 * PostgreSQL backend or cluster worker that appears during the span is counted from its birth, and one that
 * ends is counted up to its last sample. The pg_stat_activity query runs on an admin connection to
 * another database, so its own backend is not counted.
 */
export class CpuMeter {
  private readonly readings = new Map<string, CpuReading>();
  private readonly unseen = new Set<CpuGroup>();
  private admin: Client | undefined;
  private redisPid: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private driverStart = process.cpuUsage();
  private startedAt = 0;

  constructor(private readonly sources: CpuSources) {}

  async start(): Promise<void> {
    if (process.platform !== 'linux') {
      for (const group of CPU_GROUPS) if (group !== 'driver') this.unseen.add(group);
    } else {
      this.admin = new Client({ connectionString: this.sources.adminDatabaseUrl });
      await this.admin.connect();
      this.redisPid = await localRedisPid(this.sources.redisUrl);
      if (this.redisPid === null) this.unseen.add('redis');
    }
    this.startedAt = Date.now();
    this.driverStart = process.cpuUsage();
    await this.sample(true);
    this.timer = setInterval(() => {
      this.sampling ??= this.sample(false).finally(() => (this.sampling = undefined));
    }, SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<CpuSpent> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    const driver = process.cpuUsage(this.driverStart);
    const wallSeconds = (Date.now() - this.startedAt) / 1000;
    await this.admin?.end().catch(() => undefined);
    const seconds = spentByGroup(this.readings.values());
    seconds.set('driver', (driver.user + driver.system) / 1e6);
    return { seconds, wallSeconds, unseen: [...this.unseen] };
  }

  private async sample(first: boolean): Promise<void> {
    if (process.platform !== 'linux') return;
    const pids: Array<[number, CpuGroup]> = [];
    for (const { name, pid } of this.sources.brokerProcesses()) {
      const group = groupOf(name);
      if (group) pids.push([pid, group]);
    }
    for (const pid of await this.postgresBackends()) pids.push([pid, 'postgres']);
    if (this.redisPid !== null) pids.push([this.redisPid, 'redis']);
    for (const [pid, group] of pids) {
      const times = processTimesOf(pid);
      if (!times) continue;
      const key = `${pid}@${times.startTicks}`;
      const known = this.readings.get(key);
      if (known) known.last = times.cpuSeconds;
      // A process first seen after the start began during the span: all its CPU is the span's.
      else this.readings.set(key, { group, first: first ? times.cpuSeconds : 0, last: times.cpuSeconds });
    }
  }

  private async postgresBackends(): Promise<number[]> {
    if (!this.admin) return [];
    try {
      const { rows } = await this.admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1',
        [this.sources.database],
      );
      // A server on another machine (or in another pid namespace) shows pids that are not its own here.
      const local = rows.map((row) => row.pid).filter((pid) => commandOf(pid)?.startsWith('postgres'));
      if (rows.length > 0 && local.length === 0) this.unseen.add('postgres');
      return local;
    } catch {
      return [];
    }
  }
}

/** The Redis server's pid, when it runs on this machine (`INFO server` → `process_id`, checked in /proc). */
async function localRedisPid(url: string): Promise<number | null> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const match = /^process_id:(\d+)/m.exec(await redis.info('server'));
    const pid = match ? Number(match[1]) : null;
    return pid !== null && commandOf(pid)?.startsWith('redis') ? pid : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
