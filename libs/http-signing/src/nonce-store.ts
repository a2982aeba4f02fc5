/**
 * What the nonce store says of a signature's nonce: `new` (recorded now), `replayed` (seen within its
 * window), or `before-memory` — the signature was created before the store's memory began (a Redis that
 * lost its data forgot every nonce of the window before it), so a replay cannot be told from a first use.
 */
export type NonceVerdict = 'new' | 'replayed' | 'before-memory';

/**
 * Remembers the nonces of accepted signatures, per key id, for as long as a signature carrying them could
 * still be accepted. `remember` answers whether the nonce was new, and records it in the same step, so
 * two copies of one request racing each other cannot both pass.
 */
export interface NonceStore {
  /**
   * `new` when (keyId, nonce) was not seen within the last `ttlSeconds` and the signature (`created`, in
   * seconds since 1970) is not older than the store's memory; `replayed` or `before-memory` otherwise.
   */
  remember(keyId: string, nonce: string, ttlSeconds: number, createdSeconds: number): Promise<NonceVerdict>;
}

/**
 * One process only (unit tests, a single-instance tool). Brokers share nonces through Redis
 * (RedisNonceStore), or a replay sent to a second instance would pass. Its memory is the process's: give
 * `memorySince` (seconds) to refuse signatures created before it, as the Redis store does after a loss.
 */
export class InMemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly memorySince = Number.NEGATIVE_INFINITY,
  ) {}

  async remember(
    keyId: string,
    nonce: string,
    ttlSeconds: number,
    createdSeconds: number,
  ): Promise<NonceVerdict> {
    if (createdSeconds < this.memorySince) return 'before-memory';
    const now = this.clock();
    for (const [entry, until] of this.seen) if (until <= now) this.seen.delete(entry);
    const entry = `${keyId}:${nonce}`;
    if (this.seen.has(entry)) return 'replayed';
    this.seen.set(entry, now + ttlSeconds * 1000);
    return 'new';
  }
}
