import { QueryFailedError } from 'typeorm';

/**
 * node-postgres's pool gives up waiting for a free connection (after `connectTimeoutMS`) with a plain
 * Error that has no code; its message is the only mark, and it is pg-pool's own text, never a query's.
 */
const POOL_WAIT_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

/** PostgreSQL's SQLSTATE for a lock not granted within `lock_timeout` (lock_not_available). */
const LOCK_NOT_AVAILABLE = '55P03';

/** How long a vendor should wait before retrying when the database was too busy to serve it. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 2;

/** Why the database could not serve a request in time, or null when the error is something else. */
export function databaseBusyReason(error: unknown): 'lock_timeout' | 'pool_exhausted' | null {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: unknown } | undefined)?.code;
    return code === LOCK_NOT_AVAILABLE ? 'lock_timeout' : null;
  }
  if (error instanceof Error && !('code' in error) && error.message === POOL_WAIT_TIMEOUT_MESSAGE) {
    return 'pool_exhausted';
  }
  return null;
}
