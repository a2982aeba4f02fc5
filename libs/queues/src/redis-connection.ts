import { Redis, RedisOptions } from 'ioredis';
import { RedisConfig, describeRedisUrl } from './redis.config';

/** Options BullMQ needs: a blocking worker connection must never give up on a command. */
export function bullConnectionOptions(config: RedisConfig): RedisOptions {
  const url = new URL(config.url);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

export class RedisUnreachableError extends Error {
  constructor(url: string, seconds: number, cause: unknown) {
    super(
      `Redis is not reachable at ${describeRedisUrl(url)} after ${seconds}s ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); start Redis or set REDIS_URL`,
    );
    this.name = 'RedisUnreachableError';
  }
}

/** One quick ping on a throw-away connection; resolves when Redis answers, rejects with why it did not. */
export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Pings Redis with exponential backoff until it answers or the start-up timeout passes. */
export async function waitForRedis(config: RedisConfig): Promise<void> {
  const deadline = Date.now() + config.startupTimeoutSeconds * 1000;
  let delay = 250;
  for (;;) {
    try {
      return await pingRedis(config.url);
    } catch (error) {
      if (Date.now() + delay > deadline) {
        throw new RedisUnreachableError(config.url, config.startupTimeoutSeconds, error);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 4000);
  }
}
