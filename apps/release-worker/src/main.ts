import 'reflect-metadata';
import { closeOnSignals, runMain } from '@app/config';
import { waitForRedis } from '@app/queues';
import { NestFactory } from '@nestjs/core';
import { readReleaseWorkerConfig } from './release-worker.config';
import { ReleaseWorkerModule } from './release-worker.module';

runMain('release-worker', async () => {
  const config = readReleaseWorkerConfig();
  await waitForRedis(config.redis);
  const app = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
    logger: ['warn', 'error'],
    abortOnError: false,
  });
  await app.init();
  // Closing the context closes the BullMQ workers, which wait for their active jobs to finish.
  closeOnSignals('release-worker', () => app.close());
  process.stdout.write('release-worker: connected to its queues, waiting for jobs\n');
});
