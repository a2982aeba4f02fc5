import { Environment, readConfig, setting } from '@app/config';

const POSTGRES_PROTOCOLS = ['postgres:', 'postgresql:'];

export const databaseConfigShape = {
  /** PostgreSQL connection URL the processes serve with. */
  DATABASE_URL: setting.url(POSTGRES_PROTOCOLS, 'postgres://postgres@127.0.0.1:5432/oso_broker'),
  /** How long a process keeps retrying an unreachable database at start before it gives up. */
  DATABASE_STARTUP_TIMEOUT_SECONDS: setting.positiveInt(30),
};

export interface DatabaseConfig {
  /** The login a process serves with. */
  url: string;
  /** The login that owns the schema and applies migrations (may be the same as `url`). */
  migrationUrl: string;
  startupTimeoutSeconds: number;
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
  return { url: raw.DATABASE_URL, migrationUrl, startupTimeoutSeconds: raw.DATABASE_STARTUP_TIMEOUT_SECONDS };
}

/** The URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
