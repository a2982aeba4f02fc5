import { DataSource } from 'typeorm';
import { DatabaseConfig, describeDatabaseUrl } from './database.config';

export class DatabaseUnreachableError extends Error {
  constructor(url: string, seconds: number, cause: unknown) {
    super(
      `PostgreSQL is not reachable at ${describeDatabaseUrl(url)} after ${seconds}s ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); ` +
        `start PostgreSQL or set DATABASE_URL`,
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/** The role connections run as (`ConnectionSettings.runAs`) does not exist, or the login may not act as it. */
export class DatabaseRoleRefusedError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `PostgreSQL at ${describeDatabaseUrl(url)} refused the role its connections run as ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); apply the migrations first ` +
        `(they create the role) and grant the role to the login in DATABASE_URL (docs/operator-guide.md)`,
    );
    this.name = 'DatabaseRoleRefusedError';
  }
}

/**
 * Initializes the data source, retrying with exponential backoff (0.25 s doubling to 4 s) until the
 * configured start-up timeout passes: a database that starts a little later than the broker is normal
 * in compose and after a reboot.
 */
export async function connectWithRetry(
  dataSource: DataSource,
  config: Pick<DatabaseConfig, 'url' | 'startupTimeoutSeconds'>,
): Promise<DataSource> {
  const deadline = Date.now() + config.startupTimeoutSeconds * 1000;
  let delay = 250;
  for (;;) {
    try {
      return await dataSource.initialize();
    } catch (error) {
      if (isRoleRefusal(error)) throw new DatabaseRoleRefusedError(config.url, error);
      if (isPermanent(error) || Date.now() + delay > deadline) {
        throw new DatabaseUnreachableError(config.url, config.startupTimeoutSeconds, error);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 4000);
    }
  }
}

/** Errors that waiting will not cure (bad password, unknown database); retrying them only delays the news. */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '28P01' || code === '28000' || code === '3D000';
}

/**
 * At connect time these come only from the start-up `role` setting: a role that does not exist
 * (invalid_parameter_value) or one the login is not a member of (insufficient_privilege).
 */
function isRoleRefusal(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: unknown };
  return (code === '22023' || code === '42501') && typeof message === 'string' && /\brole\b/.test(message);
}
