/**
 * Remembers the nonces of accepted signatures, per key id, for as long as a signature carrying them could
 * still be accepted. `remember` answers whether the nonce was new, and records it in the same step, so
 * two copies of one request racing each other cannot both pass.
 */
export interface NonceStore {
  /** True when (keyId, nonce) was not seen within the last `ttlSeconds`; false for a replay. */
  remember(keyId: string, nonce: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * One process only (unit tests, a single-instance tool). Brokers share nonces through Redis
 * (RedisNonceStore), or a replay sent to a second instance would pass.
 */
export class InMemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  async remember(keyId: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    for (const [entry, until] of this.seen) if (until <= now) this.seen.delete(entry);
    const entry = `${keyId}:${nonce}`;
    if (this.seen.has(entry)) return false;
    this.seen.set(entry, now + ttlSeconds * 1000);
    return true;
  }
}
