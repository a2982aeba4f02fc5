import { readDatabaseConfig } from '@app/persistence/database.config';
import { readPkiConfig } from '@app/pki/pki.config';
import { readRedisConfig } from '@app/queues/redis.config';
import { Command, InvalidArgumentError } from 'commander';
import { join, relative, resolve } from 'node:path';
import { openCliContext } from '../cli-context';
import { say } from '../output';
import { SupervisedProcess } from '../supervision';
import type { DemoClient } from './demo-registry';
import type { StartedService } from './local-host';

const CRL_REFRESH_EVERY_MS = 6 * 60 * 60 * 1000;

/** Where the compiled apps live, next to this compiled CLI (dist/apps/cli/src/dev-stack). */
function appEntry(app: 'broker-api' | 'release-worker'): string {
  return resolve(__dirname, '..', '..', '..', app, 'src', 'main.js');
}

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function positiveWhole(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count <= 0)
    throw new InvalidArgumentError('must be a positive whole number');
  return count;
}

interface UpOptions {
  dataDir: string;
  api?: number;
  workers: number;
}

/**
 * `oso up` — what `npm start` runs: bring up (or start) PostgreSQL and Redis, migrate, create the
 * development PKI and the demo registry when absent, then run broker-api (a cluster primary with `--api`
 * processes) and `--workers` release-workers until Ctrl+C, stopping everything it started on the way out.
 * It supervises them: one that dies is restarted with backoff (RESTART_BACKOFF) while the others serve,
 * and the broker's health says `degraded` meanwhile (RELEASE_WORKERS tells it how many workers to expect).
 */
export function upCommand(): Command {
  return new Command('up')
    .description('start the broker for development: dependencies, PKI, demo registry, API and workers')
    .option('--data-dir <dir>', 'where an embedded PostgreSQL and a started Redis keep their data', '.data')
    .option(
      '--api <n>',
      'broker-api processes sharing the port (default: BROKER_API_PROCESSES, else one per core)',
      positiveWhole,
    )
    .option('--workers <n>', 'release-worker processes', positiveWhole, 1)
    .action(async (options: UpOptions) => {
      const log = (line: string) => say(`oso up: ${line}`);
      // Read every setting first: a typo should stop us before anything is started.
      const database = readDatabaseConfig();
      const redis = readRedisConfig();
      const pkiConfig = readPkiConfig();
      const dataDir = resolve(options.dataDir);

      const services: StartedService[] = [];
      const children: SupervisedProcess[] = [];
      let stopping = false;
      let crlTimer: NodeJS.Timeout | undefined;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        if (crlTimer) clearInterval(crlTimer);
        await Promise.all(children.map((child) => child.stop()));
        for (const service of services.reverse()) await service.stop().catch(() => undefined);
        process.exit(code);
      };
      process.once('SIGINT', () => void stopAll(0));
      process.once('SIGTERM', () => void stopAll(0));

      try {
        const { ensurePostgres } = await import('./ensure-postgres');
        const { ensureRedis } = await import('./ensure-redis');
        const { ensureDemoRegistry } = await import('./demo-registry');
        const { ensureDevelopmentSecrets } = await import('./development-secrets');
        const postgres = await ensurePostgres(database.url, join(dataDir, 'postgres'), log);
        if (postgres) services.push(postgres);
        const startedRedis = await ensureRedis(redis.url, join(dataDir, 'redis'), log);
        if (startedRedis) services.push(startedRedis);

        const context = await openCliContext();
        let clients: DemoClient[];
        try {
          if ((await context.pki.init()).created)
            log(`development CA created in ${shortPath(pkiConfig.dir)}`);
          if (await context.pki.refreshCrlIfStale()) log('CRL published');
          clients = await ensureDemoRegistry(context, log);
        } finally {
          await context.close();
        }
        ensureDevelopmentSecrets(pkiConfig.dir, log);
        const { ensureLogSigningKey, readLogKeyConfig } =
          await import('@app/exchange-log/log-key/log-key.config');
        const logKey = readLogKeyConfig();
        if (ensureLogSigningKey(logKey).created)
          log(`exchange log key created in ${shortPath(logKey.keyFile)}`);
        // The dev CA key is here, so this process keeps the CRL fresh while the broker runs.
        crlTimer = setInterval(() => void refreshCrl(), CRL_REFRESH_EVERY_MS);
        crlTimer.unref();

        const shared = {
          RELEASE_WORKERS: String(options.workers),
          ...(process.stdout.isTTY ? {} : { NO_COLOR: '1' }),
        };
        const workers = Array.from({ length: options.workers }, (_, at) =>
          supervise(options.workers === 1 ? 'release-worker' : `release-worker#${at + 1}`, 'release-worker', {
            ...shared,
          }),
        );
        const api = supervise('broker-api', 'broker-api', {
          ...shared,
          ...(options.api ? { BROKER_API_PROCESSES: String(options.api) } : {}),
        });
        children.push(...workers, api);
        const [apiUrl, opsUrl] = await Promise.all([
          api.waitForLine(/listening on (https:\/\/\S+)/),
          api.waitForLine(/ops health on (http:\/\/\S+)|^broker-api: ready$/),
          ...workers.map((worker) => worker.waitForLine(/connected to its queues/)),
        ]);
        printWelcome(
          apiUrl[1],
          opsUrl[1] ?? null,
          pkiConfig.dir,
          logKey.verifierKeyFile,
          clients,
          options.workers,
        );
      } catch (error) {
        if (stopping) return;
        process.stderr.write(`oso up: ${(error as Error).message}\n`);
        await stopAll(1);
      }
    });
}

async function refreshCrl(): Promise<void> {
  const context = await openCliContext().catch(() => null);
  if (!context) return;
  try {
    await context.pki.refreshCrlIfStale();
  } finally {
    await context.close();
  }
}

/**
 * One broker app under supervision: restarted with backoff when it dies after it served; a first start
 * that fails is not retried (the try above stops everything with the app's own message).
 */
function supervise(
  name: string,
  app: 'broker-api' | 'release-worker',
  env: NodeJS.ProcessEnv,
): SupervisedProcess {
  const readyLine = app === 'broker-api' ? /^broker-api: ready$/ : /connected to its queues/;
  const supervised = new SupervisedProcess({
    name,
    entry: appEntry(app),
    env,
    readyLine,
    log: (line) => process.stderr.write(`oso up: ${line}\n`),
  });
  supervised.on('ready', ({ pid, restarts }: { pid: number; restarts: number }) => {
    if (restarts > 0) say(`oso up: ${name} (pid ${pid}) serves again (restart ${restarts})`);
  });
  return supervised.start();
}

function printWelcome(
  apiUrl: string,
  opsUrl: string | null,
  pkiDir: string,
  logVerifierKeyFile: string,
  clients: DemoClient[],
  workers: number,
): void {
  const ca = shortPath(join(pkiDir, 'ca.crt'));
  const lines = [
    '',
    'OSO broker is running.',
    `  API (mutual TLS):  ${apiUrl}`,
    `  Release workers:   ${workers} (each restarted if it dies; so are the API processes)`,
    ...(opsUrl ? [`  Ops health:        ${opsUrl}`] : []),
    `  Broker CA:         ${ca}`,
    `  Log public key:    ${shortPath(logVerifierKeyFile)} (checks the exchange log's checkpoints)`,
    '  Demo certificates:',
    ...clients.map(
      (client) =>
        `    ${client.label}\n      --cert ${shortPath(client.certificateFile)} --key ${shortPath(client.keyFile)}`,
    ),
  ];
  const vendor = clients.find((client) => client.label.startsWith('vendor'));
  if (vendor) {
    const url = new URL(apiUrl);
    const id = vendor.certificateFile.replace(/^.*\//, '').replace(/\.crt$/, '');
    // Every vendor request is signed (RFC 9421), which curl cannot do; `oso request` signs like a LAS.
    lines.push(
      '  Try (a signed request, as a LAS makes it):',
      `    npm run --silent oso -- request --as ${id}${url.port === '8443' ? '' : ` --broker https://localhost:${url.port}`} GET /v1/whoami`,
      "  Run the demo's six exchanges:  npm run demo",
    );
  }
  lines.push('Press Ctrl+C to stop.', '');
  say(lines.join('\n'));
}
