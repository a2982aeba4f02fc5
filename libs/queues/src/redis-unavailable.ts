/** How long a vendor should wait before retrying while Redis is unreachable (ioredis reconnects meanwhile). */
export const REDIS_OUTAGE_RETRY_AFTER_SECONDS = 2;

/**
 * ioredis's own words for a command it could not send or whose connection dropped under it: the client
 * is offline (the broker's plain client keeps no offline queue, so a command fails at once instead of
 * waiting), the connection closed with the command in flight, or its retries ran out. Driver texts, never
 * a key or value.
 */
const OFFLINE_MESSAGES = [
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Connection is closed\.?$/,
  /^Reached the max retries per request limit/,
];

/**
 * True when the error says Redis could not be reached (an outage: nonces, rate limits and queues wait for
 * it), not that Redis refused a command. Judged by ioredis's error names and texts.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && OFFLINE_MESSAGES.some((pattern) => pattern.test(message));
}
