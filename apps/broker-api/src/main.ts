import 'reflect-metadata';
import { BROKER_SCHEMA } from '@app/broker-schema';
import { closeOnSignals, runMain } from '@app/config';
import { connectWithRetry, dataSourceOptions, migrateWithLock } from '@app/persistence';
import { waitForRedis } from '@app/queues';
import { once } from 'node:events';
import type { Server } from 'node:net';
import { DataSource } from 'typeorm';
import { readBrokerApiConfig } from './broker-api.config';
import { createBrokerApi } from './create-broker-api';
import { HealthService } from './health/health.service';
import { createOpsHealthServer } from './health/ops-health-server';

runMain('broker-api', async () => {
  const config = readBrokerApiConfig();

  // Dependencies first, with clear messages, before Nest starts logging. Migrations run as the schema's
  // owner (DATABASE_MIGRATION_URL); everything after serves as the runtime role.
  const owner = { ...config.database, url: config.database.migrationUrl };
  const migrator = await connectWithRetry(
    new DataSource(dataSourceOptions(owner.url, BROKER_SCHEMA, { applicationName: 'oso-broker-migrator' })),
    owner,
  );
  const applied = await migrateWithLock(migrator);
  await migrator.destroy();
  if (applied.length > 0) process.stdout.write(`broker-api: applied migrations ${applied.join(', ')}\n`);
  await waitForRedis(config.redis);

  const { app } = await createBrokerApi(config, { logger: ['warn', 'error'] });
  await app.init();
  // Listening on the server ourselves: Nest's listen() would log a port conflict as a stack trace.
  await listen(app.getHttpServer(), config.port, config.host);
  process.stdout.write(
    `broker-api: listening on https://${hostForUrl(config.host)}:${config.port} (mutual TLS)\n`,
  );

  if (config.opsPort !== 0) {
    const ops = createOpsHealthServer(app.get(HealthService));
    await listen(ops, config.opsPort, config.opsHost);
    process.stdout.write(
      `broker-api: ops health on http://${hostForUrl(config.opsHost)}:${config.opsPort}/health\n`,
    );
    app.getHttpServer().on('close', () => ops.close());
  }
  closeOnSignals('broker-api', () => app.close());
  process.stdout.write('broker-api: ready\n');
});

async function listen(server: Server, port: number, host: string): Promise<void> {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
