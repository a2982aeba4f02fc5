import { QueryFailedError } from 'typeorm';

/** How long a vendor should wait before retrying after a database outage. */
export const DATABASE_OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * SQLSTATEs that say the server cannot serve the broker now, whatever the query: connection exceptions
 * (class 08), too many connections, and a server that is shutting down, crashed or still starting.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P01|57P02|57P03)$/;

/** A database that refuses new connections (`ALLOW_CONNECTIONS false`) answers the connect with this. */
const NOT_ACCEPTING_CONNECTIONS = '55000';

/** The socket errors of a server that is not there (or not reachable) at all. */
const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * node-postgres ends a connection the server dropped with a plain Error that has no code; its message
 * is the only mark, and it is the driver's own text, never a query's.
 */
const CONNECTION_ENDED_MESSAGE = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

/**
 * True when the error says the database could not be reached or would not serve a connection — an
 * outage, not a fault of the request or of the broker's code. Judged by the driver's codes, not by
 * where the error was thrown, so every use case answers an outage the same way.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: socket errors come from Node's own realm, which a test sandbox does not share.
  if (typeof error !== 'object' || error === null) return false;
  const cause: unknown = error instanceof QueryFailedError ? error.driverError : error;
  const code = codeOf(cause);
  if (code !== undefined && UNAVAILABLE_SQLSTATE.test(code)) return true;
  // Outside a query, only connecting can fail this way: the database does not take connections now.
  if (code === NOT_ACCEPTING_CONNECTIONS) return !(error instanceof QueryFailedError);
  // A query whose connection dies under it (the server restarts, the network drops it) fails with the
  // socket's error, or with the driver's "Connection terminated" when the server closed it: an outage too.
  if (code !== undefined) return UNREACHABLE_SOCKET_CODES.has(code);
  const message = (cause as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && CONNECTION_ENDED_MESSAGE.test(message);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
