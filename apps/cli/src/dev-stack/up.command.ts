import { readDatabaseConfig } from '@app/persistence/database.config';
import { readPkiConfig } from '@app/pki/pki.config';
import { readRedisConfig } from '@app/queues/redis.config';
import { Command } from 'commander';
import { ChildProcess, spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { Interface, createInterface } from 'node:readline';
import { openCliContext } from '../cli-context';
import { say } from '../output';
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

/**
 * `oso up` — what `npm start` runs: bring up (or start) PostgreSQL and Redis, migrate, create the
 * development PKI and the demo registry when absent, then run broker-api and release-worker until
 * Ctrl+C, stopping everything it started on the way out.
 */
export function upCommand(): Command {
  return new Command('up')
    .description('start the broker for development: dependencies, PKI, demo registry, API and worker')
    .option('--data-dir <dir>', 'where an embedded PostgreSQL and a started Redis keep their data', '.data')
    .action(async (options: { dataDir: string }) => {
      const log = (line: string) => say(`oso up: ${line}`);
      // Read every setting first: a typo should stop us before anything is started.
      const database = readDatabaseConfig();
      const redis = readRedisConfig();
      const pkiConfig = readPkiConfig();
      const dataDir = resolve(options.dataDir);

      const services: StartedService[] = [];
      const children: ChildProcess[] = [];
      let stopping = false;
      let crlTimer: NodeJS.Timeout | undefined;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        if (crlTimer) clearInterval(crlTimer);
        await Promise.all(children.map(stopChild));
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

        const worker = startChild(
          'release-worker',
          children,
          () => stopAll(1),
          () => stopping,
        );
        const api = startChild(
          'broker-api',
          children,
          () => stopAll(1),
          () => stopping,
        );
        const [apiUrl, opsUrl] = await Promise.all([
          waitForLine(api, /listening on (https:\/\/\S+)/),
          waitForLine(api, /ops health on (http:\/\/\S+)|^broker-api: ready$/),
          waitForLine(worker, /connected to its queues/),
        ]);
        printWelcome(
          apiUrl,
          opsUrl.startsWith('http') ? opsUrl : null,
          pkiConfig.dir,
          logKey.verifierKeyFile,
          clients,
        );
      } catch (error) {
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

interface RunningApp {
  child: ChildProcess;
  /** Every stdout line of the app; one reader only, because a closed readline pauses its stream. */
  stdoutLines: Interface;
}

function startChild(
  app: 'broker-api' | 'release-worker',
  children: ChildProcess[],
  onUnexpectedExit: () => Promise<void>,
  isStopping: () => boolean,
): RunningApp {
  const env = { ...process.env, ...(process.stdout.isTTY ? {} : { NO_COLOR: '1' }) };
  const child = spawn(process.execPath, [appEntry(app)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  const prefix = (line: string) => (line.startsWith(`${app}:`) ? `${line}\n` : `${app}: ${line}\n`);
  const stdoutLines = createInterface({ input: child.stdout! });
  stdoutLines.on('line', (line) => process.stdout.write(prefix(line)));
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(prefix(line)));
  child.once('exit', (code, signal) => {
    if (isStopping()) return;
    process.stderr.write(
      `oso up: ${app} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping everything\n`,
    );
    void onUnexpectedExit();
  });
  return { child, stdoutLines };
}

function waitForLine(app: RunningApp, pattern: RegExp): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const onLine = (line: string) => {
      const match = pattern.exec(line);
      if (!match) return;
      app.stdoutLines.off('line', onLine);
      resolveLine(match[1] ?? line);
    };
    app.stdoutLines.on('line', onLine);
    app.child.once('exit', () =>
      reject(new Error('a broker process stopped during start-up (see its message above)')),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    // 'close' rather than 'exit': its last output lines have been relayed by then.
    child.once('close', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

function printWelcome(
  apiUrl: string,
  opsUrl: string | null,
  pkiDir: string,
  logVerifierKeyFile: string,
  clients: DemoClient[],
): void {
  const ca = shortPath(join(pkiDir, 'ca.crt'));
  const lines = [
    '',
    'OSO broker is running.',
    `  API (mutual TLS):  ${apiUrl}`,
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
