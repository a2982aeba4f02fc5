import type { Redis } from 'ioredis';
import { NonceStore } from './nonce-store';

/**
 * Nonces in Redis, shared by every broker instance: `SET <prefix>:http-signing:nonce:<keyid>:<nonce> 1
 * NX EX <ttl>` records and tests in one atomic command, and Redis forgets the nonce when no signature
 * carrying it could be accepted any more. The key id is a hex fingerprint (no colon), so the key cannot
 * be ambiguous whatever the nonce contains.
 */
export class RedisNonceStore implements NonceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  nonceKey(keyId: string, nonce: string): string {
    return `${this.prefix}:http-signing:nonce:${keyId}:${nonce}`;
  }

  async remember(keyId: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    const answer = await this.redis.set(
      this.nonceKey(keyId, nonce),
      '1',
      'EX',
      Math.max(1, Math.ceil(ttlSeconds)),
      'NX',
    );
    return answer === 'OK';
  }
}
