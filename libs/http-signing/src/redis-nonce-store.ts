import type { Redis } from 'ioredis';
import { NonceStore, NonceVerdict } from './nonce-store';

/**
 * Records a nonce unless it is known, or the signature is older than the store's memory. The memory's
 * start is a key without expiry: when it is missing, Redis lost its data (restarted empty, flushed), and
 * with it every nonce of the window — so it starts again now, and signatures created before now are
 * refused: any of them might have been accepted already. One script, so no request sees one without
 * the other. Answers 0 new, 1 replayed, 2 before memory.
 */
const REMEMBER_NONCE = `
local since = tonumber(redis.call('GET', KEYS[1]))
if not since then
  since = tonumber(ARGV[1])
  redis.call('SET', KEYS[1], ARGV[1])
end
if tonumber(ARGV[2]) < since then return 2 end
if redis.call('SET', KEYS[2], '1', 'EX', ARGV[3], 'NX') then return 0 end
return 1`;

const VERDICTS: readonly NonceVerdict[] = ['new', 'replayed', 'before-memory'];

type RememberNonceCommand = (
  memoryKey: string,
  nonceKey: string,
  nowSeconds: number,
  createdSeconds: number,
  ttlSeconds: number,
) => Promise<number>;

/**
 * Nonces in Redis, shared by every broker instance: `<prefix>:http-signing:nonce:<keyid>:<nonce>` with the
 * signature's window as expiry, so Redis forgets the nonce when no signature carrying it could be accepted
 * any more. The key id is a hex fingerprint (no colon), so the key cannot be ambiguous whatever the nonce
 * contains. `<prefix>:http-signing:nonce-memory-since` says since when the nonces are all known (#14).
 */
export class RedisNonceStore implements NonceStore {
  private readonly rememberNonce: RememberNonceCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    // defineCommand sends EVALSHA, and the script itself only when Redis does not have it (yet).
    if (!('osoRememberNonce' in redis)) {
      redis.defineCommand('osoRememberNonce', { numberOfKeys: 2, lua: REMEMBER_NONCE });
    }
    const command = (redis as unknown as { osoRememberNonce: RememberNonceCommand }).osoRememberNonce;
    this.rememberNonce = command.bind(redis);
  }

  nonceKey(keyId: string, nonce: string): string {
    return `${this.prefix}:http-signing:nonce:${keyId}:${nonce}`;
  }

  get memoryKey(): string {
    return `${this.prefix}:http-signing:nonce-memory-since`;
  }

  /**
   * The store of a broker that starts: its memory begins once Redis answers (waiting up to `readyWithinMs`)
   * and again at every reconnect — a Redis that came back empty then starts its memory at once, not at
   * the next request. Without a begun memory the first requests after a deployment would be refused.
   */
  static async forBroker(redis: Redis, prefix: string, readyWithinMs = 10_000): Promise<RedisNonceStore> {
    const store = new RedisNonceStore(redis, prefix);
    const begin = () => void store.beginMemory().catch(() => undefined); // the script covers a failed start
    redis.on('ready', begin);
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, readyWithinMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (redis.status === 'ready') await store.beginMemory();
    return store;
  }

  /** The memory begins now unless it began before (a restarted broker on a Redis that kept its data). */
  async beginMemory(): Promise<void> {
    await this.redis.set(this.memoryKey, String(this.nowSeconds()), 'NX');
  }

  async remember(
    keyId: string,
    nonce: string,
    ttlSeconds: number,
    createdSeconds: number,
  ): Promise<NonceVerdict> {
    const answer = await this.rememberNonce(
      this.memoryKey,
      this.nonceKey(keyId, nonce),
      this.nowSeconds(),
      createdSeconds,
      Math.max(1, Math.ceil(ttlSeconds)),
    );
    return VERDICTS[answer];
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}
