import { Environment } from '@app/config';
import { RedisConfig, readRedisConfig } from '@app/queues';

/** Every setting the release-worker reads (test/deployment/compose.spec.ts checks compose gives them). */
export interface ReleaseWorkerConfig {
  redis: RedisConfig;
}

export function readReleaseWorkerConfig(env: Environment = process.env): ReleaseWorkerConfig {
  return { redis: readRedisConfig(env) };
}
