import { CertificateAuthority } from '@app/pki/certificate-authority';
import { DevPkiStore } from '@app/pki/dev-pki-store';
import { readPkiConfig } from '@app/pki/pki.config';
import { DEV_SERVER_NAMES } from '@app/pki/pki.service';
import { ensureLogSigningKey, readLogKeyConfig } from '@app/exchange-log/log-key/log-key.config';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import Redis from 'ioredis';
import type { BenchBroker, BenchBrokerOptions } from './bench-broker';
import { readBenchConfig } from './bench-config';
import { seedBenchRegistry } from './bench-registry';
import type { CpuSources } from './process-cpu';
import { ProcessTreeMemory } from './process-memory';
import { WebhookReceiver } from './webhook-receiver';
import { SupervisedExit, SupervisedProcess } from '../../supervision';

/** How long broker-api and release-worker may take to say they are ready (migrations, pools, Redis). */
const READY_TIMEOUT_MS = 120_000;
/** How long a process may take to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 20_000;

/** The cluster primary's line when it restarted a serving process and that one serves (#14). */
const SERVES_AGAIN = /process #(\d+) \(pid (\d+)\) serves again/;

/** Identities connect as `<id>.oso-bench.localhost` (resolved to 127.0.0.1 by the runner or k6's `hosts`). */
export const BENCH_HOST_SUFFIX = 'oso-bench.localhost';

/** What `startBenchBroker` answers beyond the contract. */
export interface StartedBenchBroker extends BenchBroker {
  /** The vendors' webhook endpoint: what arrived and when (release latency ends here). */
  webhooks: WebhookReceiver;
  /** PKI, process logs (`broker-api.log`, `release-worker.log`). */
  workDir: string;
  /** The API's per-vendor rate limit in this run (raised: a benchmark is not a rate-limit test). */
  rateLimitPerMinute: number;
  /** Broker processes that stopped before `stop()` (a crash under load), with their exit. */
  unexpectedExits(): string[];
  /** Where a `CpuMeter` finds the processes doing this broker's work (its own, PostgreSQL's, Redis). */
  cpuSources: CpuSources;
  /**
   * Starts one more broker-api (on a port of its own, one process) or release-worker on this broker's
   * database, Redis and keys, with `env` on top; `stop()` stops it too. For fault tests: a second
   * instance to take over when the first is killed.
   */
  startAnother(app: App, env?: Record<string, string>): Promise<AnotherBrokerProcess>;
  /** Every process of the broker running now (roots and cluster workers), by the names `memory()` uses. */
  liveProcesses(): Array<{ name: string; pid: number }>;
  /**
   * Processes started again after they died, once each is ready: release-workers (`restartReleaseWorkers`)
   * and broker-api's serving processes (its cluster primary restarts them and says "serves again").
   */
  restarts(): ProcessRestart[];
  /** The Redis key prefix of this broker (every key it writes starts with it). */
  redisPrefix: string;
  /** The environment its processes run with (to run `oso` commands against this broker). */
  env: Readonly<Record<string, string>>;
}

/** A process that died and was started again (#14). */
export interface ProcessRestart {
  /** `release-worker@2`, …; `broker-api process #2` for the cluster primary's serving process in slot 2. */
  name: string;
  /** The pid that died (null for a broker-api process: the primary's line names only the new one). */
  exitedPid: number | null;
  /** The pid that replaced it. */
  pid: number;
  /** When the new process said it was ready (ms since epoch). */
  readyAt: number;
}

/** A process started by `startAnother`, ready (listening, or connected to its queues). */
export interface AnotherBrokerProcess {
  pid: number;
  /** broker-api only: where it listens. */
  baseUrl?: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export type App = 'broker-api' | 'release-worker';

/** The directory holding `apps/…/main.js`: given, or the `dist` of the checkout this file belongs to. */
export function resolveDistDir(given?: string): string {
  if (given) return resolve(given);
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist');
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export async function launchBenchBroker(options: BenchBrokerOptions): Promise<StartedBenchBroker> {
  const log = options.log ?? (() => undefined);
  const config = readBenchConfig();
  const distDir = resolveDistDir(options.distDir);
  const entry = (app: App) => join(distDir, 'apps', app, 'src', 'main.js');
  for (const app of ['broker-api', 'release-worker'] as const) {
    if (!existsSync(entry(app))) throw new Error(`${entry(app)} does not exist: run \`npm run build\` first`);
  }
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `oso_bench_${runId}`;
  const redisPrefix = `oso-bench-${runId}`;
  const workDir = mkdtempSync(join(tmpdir(), 'oso-bench-'));
  const pkiDir = join(workDir, 'pki');
  const databaseUrl = new URL(config.adminDatabaseUrl);
  databaseUrl.pathname = `/${database}`;

  const admin = new Client({ connectionString: config.adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }

  const memory = new ProcessTreeMemory();
  const children = new Map<string, ChildProcess>();
  const others: ChildProcess[] = [];
  const exits: string[] = [];
  const restarts: ProcessRestart[] = [];
  const supervised = new Map<string, SupervisedProcess>();
  let stopping = false;
  let webhooks: WebhookReceiver | undefined;

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    memory.sample();
    await Promise.all([
      ...[...children.values(), ...others].map(stopChild),
      ...[...supervised.values()].map((worker) => worker.stop()),
    ]);
    // A cluster worker orphaned by a killed primary is ours too: end it by its pid (same process only).
    for (const pid of memory.livePids()) killIfAlive(pid);
    memory.stop();
    await webhooks?.close();
    await dropDatabase(config.adminDatabaseUrl, database).catch((error: Error) =>
      log(`could not drop database ${database}: ${error.message}`),
    );
    await deleteRedisKeys(config.redisUrl, redisPrefix).catch((error: Error) =>
      log(`could not delete Redis keys ${redisPrefix}*: ${error.message}`),
    );
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: options.databaseUrlForProcesses?.(databaseUrl.toString()) ?? databaseUrl.toString(),
      REDIS_URL: config.redisUrl,
      REDIS_PREFIX: redisPrefix,
      PKI_DIR: pkiDir,
      TLS_SERVER_CERT_FILE: join(pkiDir, 'server.crt'),
      TLS_SERVER_KEY_FILE: join(pkiDir, 'server.key'),
      TLS_CLIENT_CA_FILE: join(pkiDir, 'ca.crt'),
      TLS_CRL_FILE: join(pkiDir, 'ca.crl'),
      EXCHANGE_LOG_KEY_FILE: join(pkiDir, 'log-key'),
      NOTIFY_CLIENT_CERT_FILE: join(pkiDir, 'broker-client.crt'),
      NOTIFY_CLIENT_KEY_FILE: join(pkiDir, 'broker-client.key'),
      // The webhook receiver's certificate comes from the bench CA, which no system store trusts.
      NOTIFY_EXTRA_CA_FILE: join(pkiDir, 'ca.crt'),
      PUPIL_KEY_SECRET: randomBytes(32).toString('base64'),
      VAULT_KEKS: `bench-1:${randomBytes(32).toString('base64')}`,
      VAULT_ACTIVE_KEK: 'bench-1',
      BROKER_HOST: '127.0.0.1',
      OPS_PORT: '0',
      API_RATE_LIMIT_PER_MINUTE: String(config.rateLimitPerMinute),
      NO_COLOR: '1',
    };
    delete env.DATABASE_MIGRATION_URL;
    if (options.apiProcesses !== undefined) env.BROKER_API_PROCESSES = String(options.apiProcesses);
    Object.assign(env, options.env ?? {});

    log(`database ${database}, Redis prefix ${redisPrefix}, work dir ${workDir}`);
    const seeded = await seedBenchRegistry(
      env,
      {
        vendors: options.vendors,
        schoolsPerVendor: options.schoolsPerVendor,
        webhooks: async (ca) => {
          const receiverTls = CertificateAuthority.load(ca).issueServerCertificate(['127.0.0.1']);
          webhooks = await WebhookReceiver.start({ ...receiverTls, caPem: ca.certificatePem });
          const receiver = webhooks;
          return (vendorId) => receiver.urlFor(vendorId);
        },
      },
      log,
    );
    ensureLogSigningKey(readLogKeyConfig(env));
    // One host name per identity (k6 picks the client certificate by host): the server certificate
    // names them all.
    const ca = CertificateAuthority.load({
      certificatePem: readFileSync(join(pkiDir, 'ca.crt'), 'utf8'),
      keyPem: readFileSync(join(pkiDir, 'ca.key'), 'utf8'),
    });
    new DevPkiStore(pkiDir).writeServer(
      ca.issueServerCertificate(
        [...DEV_SERVER_NAMES, `*.${BENCH_HOST_SUFFIX}`],
        undefined,
        readPkiConfig(env).serverKeyType,
      ),
    );

    const port = await freeLoopbackPort();
    env.BROKER_PORT = String(port);
    log(
      `API_RATE_LIMIT_PER_MINUTE=${config.rateLimitPerMinute}: the rate limit is raised, benchmarks are not rate-limit tests`,
    );
    /** Another instance of an app for fault tests (`startAnother`): unsupervised, named `<app>@<n>`. */
    const spawnApp = (app: App, instance: number, extraEnv: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [entry(app)], {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const name = `${app}@${instance}`;
      memory.track(name, child.pid!);
      child.once('exit', (code, signal) => {
        if (!stopping)
          exits.push(`${name} stopped (${signal ?? `exit code ${code}`}); see ${workDir}/${name}.log`);
      });
      log(`started ${name} (pid ${child.pid})`);
      return child;
    };
    let instances = options.releaseWorkers ?? 1;
    // Named as the `faults` work names them: `release-worker`, `release-worker@2`, …
    const workerNames = Array.from({ length: options.releaseWorkers ?? 1 }, (_, at) =>
      at === 0 ? 'release-worker' : `release-worker@${at + 1}`,
    );
    const startChild = (name: string, app: App): Promise<void> => {
      if (app === 'release-worker' && options.restartReleaseWorkers) return superviseWorker(name);
      // Cluster workers inherit the primary's execArgv, so every broker process writes its own profile.
      const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
      const child = spawn(process.execPath, [...profile, entry(app)], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.set(name, child);
      memory.track(name, child.pid!);
      child.once('exit', (code, signal) => {
        if (!stopping)
          exits.push(`${name} stopped (${signal ?? `exit code ${code}`}); see ${workDir}/${name}.log`);
      });
      log(`started ${name} (pid ${child.pid})`);
      return readyLine(
        child,
        name,
        workDir,
        app === 'broker-api' ? /listening on https:/ : /connected to its queues/,
        (line) => {
          const restarted = SERVES_AGAIN.exec(line);
          if (restarted) {
            const [, slot, pid] = restarted;
            restarts.push({
              name: `broker-api process #${slot}`,
              exitedPid: null,
              pid: Number(pid),
              readyAt: Date.now(),
            });
          }
        },
      );
    };
    /** A release-worker started again with backoff whenever it dies (the `supervision` module, #14). */
    const superviseWorker = (name: string): Promise<void> => {
      const file = createWriteStream(join(workDir, `${name}.log`), { flags: 'a' });
      const write = (line: string) => file.write(`${line}\n`);
      const worker = new SupervisedProcess({
        name,
        entry: entry('release-worker'),
        env,
        readyLine: /connected to its queues/,
        stdout: write,
        stderr: write,
        log: (line) => {
          write(line);
          log(line);
        },
      });
      supervised.set(name, worker);
      let exitedPid: number | undefined;
      worker.on('exit', (exit: SupervisedExit) => {
        exitedPid = exit.pid;
        if (!exit.expected && !stopping)
          exits.push(
            `${name} stopped (${exit.signal ?? `exit code ${exit.code}`}); see ${workDir}/${name}.log`,
          );
      });
      worker.on('ready', ({ pid }: { pid: number }) => {
        memory.track(name, pid);
        if (exitedPid !== undefined) restarts.push({ name, exitedPid, pid, readyAt: Date.now() });
      });
      worker.start();
      log(`started ${name} (pid ${worker.pid}, supervised)`);
      return new Promise((resolveReady, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${name} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${workDir}/${name}.log`,
              ),
            ),
          READY_TIMEOUT_MS,
        );
        worker.once('ready', () => {
          clearTimeout(timer);
          resolveReady();
        });
        worker.once('startup-failed', () => {
          clearTimeout(timer);
          reject(new Error(`${name} stopped during start-up; see ${workDir}/${name}.log`));
        });
      });
    };
    await Promise.all([
      startChild('broker-api', 'broker-api'),
      ...workerNames.map((name) => startChild(name, 'release-worker')),
    ]);
    log(`broker ready on https://127.0.0.1:${port}`);

    const startAnother = async (app: App, extraEnv: Record<string, string> = {}) => {
      const instance = ++instances;
      const ownPort = app === 'broker-api' ? await freeLoopbackPort() : undefined;
      const child = spawnApp(app, instance, {
        ...(ownPort === undefined ? {} : { BROKER_PORT: String(ownPort), BROKER_API_PROCESSES: '1' }),
        ...extraEnv,
      });
      others.push(child);
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      await readyLine(
        child,
        `${app}@${instance}`,
        workDir,
        app === 'broker-api' ? /listening on https:/ : /connected to its queues/,
      );
      return {
        pid: child.pid!,
        baseUrl: ownPort === undefined ? undefined : `https://127.0.0.1:${ownPort}`,
        exited,
      };
    };

    return {
      baseUrl: `https://127.0.0.1:${port}`,
      caPem: readFileSync(join(pkiDir, 'ca.crt'), 'utf8'),
      brokerCertificatePem: readFileSync(join(pkiDir, 'server.crt'), 'utf8'),
      vendors: seeded.vendors,
      auditor: seeded.auditor,
      databaseUrl: databaseUrl.toString(),
      schema: 'public',
      memory: () => {
        if (!stopping) memory.sample();
        return memory.snapshot();
      },
      stop,
      webhooks: webhooks!,
      workDir,
      rateLimitPerMinute: config.rateLimitPerMinute,
      unexpectedExits: () => [...exits],
      startAnother,
      liveProcesses: () => {
        if (!stopping) memory.sample();
        const live = new Set(memory.livePids());
        return memory
          .snapshot()
          .filter((entry) => live.has(entry.pid))
          .map(({ name, pid }) => ({ name, pid }));
      },
      restarts: () => [...restarts],
      redisPrefix,
      env,
      cpuSources: {
        brokerProcesses: () => {
          if (!stopping) memory.sample();
          return memory.snapshot();
        },
        adminDatabaseUrl: config.adminDatabaseUrl,
        database,
        redisUrl: config.redisUrl,
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Relays the app's output into `<workDir>/<name>.log` and resolves on its ready line (rejects on exit). */
function readyLine(
  child: ChildProcess,
  app: string,
  workDir: string,
  pattern: RegExp,
  onLine: (line: string) => void = () => undefined,
): Promise<void> {
  // Appended: a restarted process continues its predecessor's log.
  const file = createWriteStream(join(workDir, `${app}.log`), { flags: 'a' });
  child.stderr!.pipe(file, { end: false });
  const tail: string[] = [];
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`${app} was not ready within ${READY_TIMEOUT_MS / 1000} s: ${tail.join(' | ')}`)),
      READY_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      file.write(`${line}\n`);
      onLine(line);
      if (tail.push(line) > 5) tail.shift();
      if (pattern.test(line)) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (tail.push(chunk.toString('utf8').trim()) > 5) tail.shift();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${app} stopped during start-up (${signal ?? `exit code ${code}`}): ${tail.join(' | ')}`),
      );
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('close', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
