import { Environment, readConfig, setting } from '@app/config';

export const databaseConfigShape = {
  /** PostgreSQL connection URL. */
  DATABASE_URL: setting.url(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/oso_broker'),
  /** How long a process keeps retrying an unreachable database at start before it gives up. */
  DATABASE_STARTUP_TIMEOUT_SECONDS: setting.positiveInt(30),
};

export interface DatabaseConfig {
  url: string;
  startupTimeoutSeconds: number;
}

export function readDatabaseConfig(env?: Environment): DatabaseConfig {
  const raw = readConfig(databaseConfigShape, env);
  return { url: raw.DATABASE_URL, startupTimeoutSeconds: raw.DATABASE_STARTUP_TIMEOUT_SECONDS };
}

/** The URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
