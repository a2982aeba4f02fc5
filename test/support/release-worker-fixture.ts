import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { readReleaseWorkerConfig } from '../../apps/release-worker/src/release-worker.config';
import { ReleaseWorkerModule } from '../../apps/release-worker/src/release-worker.module';

/**
 * The release worker's real module in the test process, as the runtime role, on a suite's database and
 * its own Redis prefix. Its timers (relay, expiry, retention) run an hour apart, and commits do not wake
 * the relays (RELEASE_RELAY_WAKE_ON_COMMIT off), unless `env` says
 * otherwise, so a test drives each sweep by hand (`worker.get(RequestExpirySweep).sweep(now)`).
 */
export async function startReleaseWorker(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<INestApplicationContext> {
  const config = readReleaseWorkerConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'oso-test'}-worker-${randomUUID().slice(0, 8)}`,
    RELEASE_RELAY_EVERY_MS: String(3_600_000),
    RELEASE_RELAY_WAKE_ON_COMMIT: 'off',
    TRANSFER_EXPIRY_SWEEP_SECONDS: '3600',
    RETENTION_SWEEP_SECONDS: '3600',
    ...env,
  });
  const worker = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
    logger: ['error'],
  });
  await worker.init();
  return worker;
}
