import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { RedisConfig } from '@app/queues';
import { DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';

/** The budget's window: API_RATE_LIMIT_PER_MINUTE counts requests per minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Where the counters live in Redis: under the broker's REDIS_PREFIX, so brokers (and test runs) sharing
 * one Redis keep apart. The storage adds `{<key>:<throttler>}:hits` / `:blocked`, where the key is
 * @nestjs/throttler's SHA-256 of the route and the tracker (`vendor:<id>` or `auditor:<name>`): no
 * organisation or person can be read from a key.
 */
export function rateLimitKeyPrefix(redisPrefix: string): string {
  return `${redisPrefix}:rate-limit:`;
}

/**
 * The per-client request budget, counted in Redis and so shared by every broker-api process and
 * instance: a vendor gets `requestsPerMinute` from the whole broker, wherever its requests land. Its own
 * connection (closed with the module), failing fast like the nonce store's: a request is never held
 * waiting for a Redis that is gone (VendorRateLimitGuard decides what such a request gets).
 */
export function vendorRateLimitModule(requestsPerMinute: number, redis: RedisConfig): DynamicModule {
  return ThrottlerModule.forRootAsync({
    useFactory: () => {
      const storage = new ThrottlerStorageRedisService(redis.url, {
        keyPrefix: rateLimitKeyPrefix(redis.prefix),
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      // Connection errors surface as failed requests (and in health); ioredis keeps reconnecting.
      storage.redis.on('error', () => undefined);
      return {
        // The throttler named 'default' gets the standard header names (Retry-After, X-RateLimit-*).
        throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: requestsPerMinute }],
        storage,
      };
    },
  });
}
