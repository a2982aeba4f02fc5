import { Environment, readConfig, setting } from '@app/config';

/**
 * Where a benchmark creates its database and Redis keys, and how far the API's per-vendor rate limit is
 * raised: benchmarks measure throughput, not the rate limiter (its own tests do that).
 */
export interface BenchConfig {
  adminDatabaseUrl: string;
  redisUrl: string;
  rateLimitPerMinute: number;
}

export function readBenchConfig(env: Environment = process.env): BenchConfig {
  const raw = readConfig(
    {
      BENCH_ADMIN_DATABASE_URL: setting.url(
        ['postgres:', 'postgresql:'],
        env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
      ),
      BENCH_REDIS_URL: setting.url(['redis:', 'rediss:'], env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'),
      BENCH_RATE_LIMIT_PER_MINUTE: setting.positiveInt(10_000_000),
    },
    env,
  );
  return {
    adminDatabaseUrl: raw.BENCH_ADMIN_DATABASE_URL,
    redisUrl: raw.BENCH_REDIS_URL,
    rateLimitPerMinute: raw.BENCH_RATE_LIMIT_PER_MINUTE,
  };
}
