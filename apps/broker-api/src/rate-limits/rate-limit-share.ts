/**
 * One process's share of the broker-wide request budget when N processes count in their own memory: a
 * vendor never gets more than the configured limit in total (rounded up: at most N − 1 more). A vendor
 * whose requests all reach one process (one kept-alive connection) gets that process's share only;
 * issue #14 moves the counting to Redis, which ends both effects.
 */
export function rateLimitShare(requestsPerMinute: number, processes: number): number {
  return Math.max(1, Math.ceil(requestsPerMinute / processes));
}
