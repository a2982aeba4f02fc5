import { Environment, readConfig, setting } from '@app/config';

const POSTGRES_PROTOCOLS = ['postgres:', 'postgresql:'];

/**
 * Ten per process: a staging holds its connection for a few milliseconds of statements, so at 300
 * stagings a second about two are busy on average (Little's law) and ten absorb bursts; more would only
 * queue inside PostgreSQL on two cores instead of in the pool, where a wait is bounded and answered 503.
 */
export const DEFAULT_POOL_SIZE = 10;

/**
 * The connections a deployment opens at most: `apiProcesses` broker-api processes, each with its pool
 * and the log sequencer's (`sequencerPoolSize`) and its own listening connections outside the pool
 * (`listenersPerApiProcess`: the registry change listener and the sequencer's leader lease, 2 since #14), plus the release worker's pool and its one
 * listening connection (held from its pool). Must stay below PostgreSQL's max_connections minus its
 * superuser_reserved_connections, with room for migrations and operators.
 */
export function connectionBudget(input: {
  apiProcesses: number;
  poolSize: number;
  sequencerPoolSize: number;
  listenersPerApiProcess: number;
  workerPoolSize: number;
}): number {
  const perApiProcess = input.poolSize + input.sequencerPoolSize + input.listenersPerApiProcess;
  return input.apiProcesses * perApiProcess + input.workerPoolSize;
}

export const databaseConfigShape = {
  /** PostgreSQL connection URL the processes serve with. */
  DATABASE_URL: setting.url(POSTGRES_PROTOCOLS, 'postgres://postgres@127.0.0.1:5432/oso_broker'),
  /** How long a process keeps retrying an unreachable database at start before it gives up. */
  DATABASE_STARTUP_TIMEOUT_SECONDS: setting.positiveInt(30),
  /**
   * Connections each serving process keeps at most (docs/decisions.md, "Database pool per process"):
   * PostgreSQL's max_connections must cover every process's pool, see `connectionBudget`.
   */
  DATABASE_POOL_SIZE: setting.positiveInt(DEFAULT_POOL_SIZE),
};

export interface DatabaseConfig {
  /** The login a process serves with. */
  url: string;
  /** The login that owns the schema and applies migrations (may be the same as `url`). */
  migrationUrl: string;
  startupTimeoutSeconds: number;
  /** Pool size per process (DATABASE_POOL_SIZE). */
  poolSize: number;
}

export function readDatabaseConfig(env?: Environment): DatabaseConfig {
  const raw = readConfig(databaseConfigShape, env);
  const { DATABASE_MIGRATION_URL: migrationUrl } = readConfig(
    {
      /** The schema owner's URL, for migrations only; unset means DATABASE_URL (one login, as in development). */
      DATABASE_MIGRATION_URL: setting.url(POSTGRES_PROTOCOLS, raw.DATABASE_URL),
    },
    env,
  );
  return {
    url: raw.DATABASE_URL,
    migrationUrl,
    startupTimeoutSeconds: raw.DATABASE_STARTUP_TIMEOUT_SECONDS,
    poolSize: raw.DATABASE_POOL_SIZE,
  };
}

/** The URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
