import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { freePort } from '../../../../test/support/built-process';
import { httpsJson } from '../../../../test/support/https-client';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';
import { VendorClient } from '../../../../test/support/vendor-client';
import { ADMIN_DATABASE_URL } from '../../../../test/test-run';
import { HealthService } from './health.service';
import { createOpsHealthServer } from './ops-health-server';

/**
 * `GET /health` answers 503 when the broker cannot serve, as the operator guide and the API docs say:
 * one real broker on a database of its own and a Redis of its own, each stopped in turn and started
 * again. No mocks: PostgreSQL refuses the connections, and the Redis process is gone.
 */
/** A throwaway redis-server on `port`, without persistence; resolves once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    redis.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return redis;
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  redis.kill('SIGTERM');
  await once(redis, 'exit');
}

/** Asks `check` until `done` holds for its answer, for at most `ms`; the last answer either way. */
async function until<T>(check: () => Promise<T>, done: (answer: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await check();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('health when a dependency is down', () => {
  let pki: TestPki;
  let broker: RunningBroker;
  let ops: Server;
  let opsPort: number;
  let redis: ChildProcess;
  let redisPort: number;
  let admin: Client;
  let databaseName: string;
  let vendor: ClientCredentials;

  beforeAll(async () => {
    const databaseUrl = await createSuiteDatabase('health');
    databaseName = new URL(databaseUrl).pathname.slice(1);
    pki = await TestPki.create(databaseUrl);
    await pki.registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    vendor = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' });
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    broker = await startBroker({
      DATABASE_URL: databaseUrl,
      PKI_DIR: pki.dir,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    // The ops listener as main.ts wires it: the same HealthService behind a plain-HTTP port.
    ops = createOpsHealthServer(broker.app.get(HealthService)).listen(0, '127.0.0.1');
    await once(ops, 'listening');
    opsPort = (ops.address() as AddressInfo).port;
    admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    ops?.close();
    await broker?.close();
    if (redis) await stopRedis(redis);
    await pki?.close();
  });

  const opsHealth = async () => {
    const response = await fetch(`http://127.0.0.1:${opsPort}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, { status?: string }> };
  };
  const tlsHealth = () =>
    httpsJson(broker.port, '/health', { ca: pki.caCertificate, cert: vendor.cert, key: vendor.key });

  it('answers 200 while PostgreSQL and Redis answer', async () => {
    const health = await opsHealth();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    // One process, the one configured; no release worker connected of the one expected (RELEASE_WORKERS).
    expect(health.body).toMatchObject({
      status: 'degraded',
      apiProcesses: { configured: 1, serving: 1 },
      releaseWorker: { status: 'unknown', expected: 1, alive: 0 },
    });
    expect((await tlsHealth()).status).toBe(200);
  });

  it('answers 503 "down" when Redis stops, on the ops port and over mutual TLS, and 200 once it is back', async () => {
    await stopRedis(redis);
    const down = await until(opsHealth, (answer) => answer.status === 503);
    expect([down.status, down.body.status, down.body.redis.status, down.body.database.status]).toEqual([
      503,
      'down',
      'down',
      'up',
    ]);
    const overTls = await tlsHealth();
    expect([overTls.status, overTls.body.status]).toEqual([503, 'down']);
    redis = await startRedis(redisPort);
    const back = await until(opsHealth, (answer) => answer.status === 200);
    expect([back.status, back.body.redis.status]).toEqual([200, 'up']);
  });

  it('answers 503 "down" when PostgreSQL refuses the broker’s database (vendors: DATABASE_UNAVAILABLE), and 200 once it admits it again', async () => {
    await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [databaseName],
    );
    const down = await until(opsHealth, (answer) => answer.status === 503);
    expect([down.status, down.body.status, down.body.database.status, down.body.redis.status]).toEqual([
      503,
      'down',
      'down',
      'up',
    ]);
    // Meanwhile a vendor's call is told it is an outage and when to retry: not a 500, not a hang.
    const vendorClient = new VendorClient(broker.port, vendor, pki.caCertificate);
    try {
      const whoami = await vendorClient.get('/v1/whoami');
      expect([whoami.status, whoami.body.error]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      expect(Number(whoami.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      vendorClient.close();
    }
    await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
    const back = await until(opsHealth, (answer) => answer.status === 200);
    expect([back.status, back.body.database.status]).toEqual([200, 'up']);
  });
});
