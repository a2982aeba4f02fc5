import { Environment, readConfig, setting } from '@app/config';
import { z } from 'zod';

export const redisConfigShape = {
  REDIS_URL: setting.url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  /** Key prefix for everything the broker keeps in Redis, so several brokers (or test runs) can share one. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 characters of letters, digits, ":", "_" and "-"')
    .default('oso'),
  REDIS_STARTUP_TIMEOUT_SECONDS: setting.positiveInt(30),
};

export interface RedisConfig {
  url: string;
  prefix: string;
  startupTimeoutSeconds: number;
}

export function readRedisConfig(env?: Environment): RedisConfig {
  const raw = readConfig(redisConfigShape, env);
  return {
    url: raw.REDIS_URL,
    prefix: raw.REDIS_PREFIX,
    startupTimeoutSeconds: raw.REDIS_STARTUP_TIMEOUT_SECONDS,
  };
}

export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
