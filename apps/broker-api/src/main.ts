import 'reflect-metadata';
import { BROKER_SCHEMA } from '@app/broker-schema';
import { closeOnSignals, runMain } from '@app/config';
import { connectWithRetry, dataSourceOptions, migrateWithLock } from '@app/persistence';
import { waitForRedis } from '@app/queues';
import cluster from 'node:cluster';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { DataSource } from 'typeorm';
import { BrokerApiConfig, readBrokerApiConfig } from './broker-api.config';
import { createBrokerApi } from './create-broker-api';
import { HealthService } from './health/health.service';
import { createOpsHealthServer } from './health/ops-health-server';
import { ServingMessage, runClusterPrimary } from './processes/cluster-primary';
import { followServingProcesses } from './processes/serving-processes';

const NAME = 'broker-api';

runMain(NAME, async () => {
  const config = readBrokerApiConfig();
  if (cluster.isWorker) {
    // One of BROKER_API_PROCESSES: the primary migrated and waited for Redis already. The rate limit is
    // counted in Redis, so every process applies the whole budget (#14).
    followServingProcesses(config.processes);
    await serve(config, `${NAME}#${process.env.BROKER_API_PROCESS_INDEX ?? cluster.worker?.id}`);
    return;
  }
  await prepareDependencies(config);
  if (config.processes > 1) {
    await runClusterPrimary(NAME, config.processes);
    return;
  }
  // Alone: pools sized per process (CONTRACT: BROKER_API_PROCESSES) see the count actually serving.
  process.env.BROKER_API_PROCESSES = '1';
  await serve(config, NAME);
});

/**
 * Dependencies first, with clear messages, before Nest starts logging; once, in the primary. Migrations
 * run as the schema's owner (DATABASE_MIGRATION_URL); everything after serves as the runtime role.
 */
async function prepareDependencies(config: BrokerApiConfig): Promise<void> {
  const owner = { ...config.database, url: config.database.migrationUrl };
  const migrator = await connectWithRetry(
    new DataSource(dataSourceOptions(owner.url, BROKER_SCHEMA, { applicationName: 'oso-broker-migrator' })),
    owner,
  );
  const applied = await migrateWithLock(migrator);
  await migrator.destroy();
  if (applied.length > 0) process.stdout.write(`${NAME}: applied migrations ${applied.join(', ')}\n`);
  await waitForRedis(config.redis);
}

/** Serves the API (and the ops health port): alone, or as one process of a cluster sharing the ports. */
async function serve(config: BrokerApiConfig, processName: string): Promise<void> {
  const { app } = await createBrokerApi(config, { logger: ['warn', 'error'] });
  await app.init();
  // Listening on the server ourselves: Nest's listen() would log a port conflict as a stack trace.
  await listen(app.getHttpServer(), config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `https://${hostForUrl(config.host)}:${port}`;
  let opsUrl: string | null = null;
  let ops: Server | null = null;
  if (config.opsPort !== 0) {
    ops = createOpsHealthServer(app.get(HealthService));
    await listen(ops, config.opsPort, config.opsHost);
    opsUrl = `http://${hostForUrl(config.opsHost)}:${(ops.address() as AddressInfo).port}/health`;
    app.getHttpServer().on('close', () => ops?.close());
  }
  closeOnSignals(processName, () => app.close());
  if (cluster.isWorker) {
    // A primary gone (killed): stop cleanly rather than linger orphaned. The processes accept for
    // themselves, so each holds the shared listening sockets: let go of them at once, so a restarted
    // broker can take the ports while this one finishes what it was doing.
    process.once('disconnect', () => {
      app.getHttpServer().close();
      ops?.close();
      process.kill(process.pid, 'SIGTERM');
    });
    // The primary announces the broker once every process serves.
    const serving: ServingMessage = { type: 'broker-api:serving', url, opsUrl };
    process.send?.(serving);
    return;
  }
  process.stdout.write(`${NAME}: listening on ${url} (mutual TLS)\n`);
  if (opsUrl) process.stdout.write(`${NAME}: ops health on ${opsUrl}\n`);
  process.stdout.write(`${NAME}: ready\n`);
}

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
