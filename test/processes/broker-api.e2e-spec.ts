import { Client } from 'pg';
import { createServer, Server } from 'node:net';
import { BuiltProcess, freePort, listeningPortsOf, runBuilt } from '../support/built-process';
import { httpsJson } from '../support/https-client';
import { createSuiteDatabase } from '../support/suite-database';
import { TestPki } from '../support/test-pki';

describe('broker-api process', () => {
  let pki: TestPki;
  let env: Record<string, string>;
  let databaseUrl: string;

  beforeAll(async () => {
    // The PKI needs a registry; the broker under test gets a database that has never been migrated.
    pki = await TestPki.create(await createSuiteDatabase('broker_pki'));
    databaseUrl = await createSuiteDatabase('broker_process', { migrate: false });
    env = {
      PKI_DIR: pki.dir,
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-broker`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
    };
  });
  afterAll(() => pki?.close());

  it('migrates a fresh database, serves mutual TLS and ops health, and exits 0 on SIGTERM', async () => {
    const broker = new BuiltProcess('broker-api', [], env);
    try {
      await broker.waitForLine(/ops health on/);
      expect(broker.stdout.join('\n')).toMatch(/applied migrations Registry\d+/);
      expect(listeningPortsOf(broker.pid).sort()).toEqual(
        [Number(env.BROKER_PORT), Number(env.OPS_PORT)].sort(),
      );

      const anonymous = await httpsJson(Number(env.BROKER_PORT), '/v1/whoami', { ca: pki.caCertificate });
      expect(anonymous).toMatchObject({ status: 401, body: { error: 'CLIENT_CERTIFICATE_MISSING' } });

      const health = await fetch(`http://127.0.0.1:${env.OPS_PORT}/health`);
      expect(await health.json()).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
      const other = await fetch(`http://127.0.0.1:${env.OPS_PORT}/v1/whoami`);
      expect(other.status).toBe(404);

      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      const tables = await client.query(`SELECT count(*)::int AS n FROM schema_migrations`);
      // The exchange log's sequencer runs in the process, on its own connections.
      const sequencer = await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'oso-broker-sequencer'`,
      );
      await client.end();
      expect(tables.rows[0].n).toBeGreaterThan(0);
      expect(sequencer.rows[0].n).toBeGreaterThan(0);
    } finally {
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(broker.stdout).toContain('broker-api: stopped cleanly');
  });

  async function expectOneLineFailure(overrides: Record<string, string>, pattern: RegExp): Promise<void> {
    const result = await runBuilt('broker-api', [], { ...env, ...overrides });
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(pattern);
  }

  it('refuses a bad setting with one line naming the variable', () =>
    expectOneLineFailure(
      { BROKER_PORT: 'eighty' },
      /^broker-api: Configuration error: BROKER_PORT must be a TCP port number \(got "eighty"\)$/,
    ));

  it('names a missing TLS file and how to create it', () =>
    expectOneLineFailure(
      { TLS_SERVER_CERT_FILE: '/nonexistent/server.crt' },
      /^broker-api: Configuration error: TLS_SERVER_CERT_FILE points at \/nonexistent\/server\.crt, which does not exist .*pki init/,
    ));

  it('names a missing exchange log key and how to create it', () =>
    expectOneLineFailure(
      { EXCHANGE_LOG_KEY_FILE: '/nonexistent/log-key' },
      /^broker-api: Configuration error: EXCHANGE_LOG_KEY_FILE points at \/nonexistent\/log-key, which does not exist .*pki init/,
    ));

  it('retries an unreachable database, then stops with one line', async () => {
    const started = Date.now();
    await expectOneLineFailure(
      {
        DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${await freePort()}/oso`,
        DATABASE_STARTUP_TIMEOUT_SECONDS: '2',
      },
      /^broker-api: PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:\d+\/oso after 2s .*set DATABASE_URL$/,
    );
    // It did wait and retry rather than fail at the first refusal.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('says which port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expectOneLineFailure(
        { BROKER_PORT: String(port), DATABASE_URL: databaseUrl },
        new RegExp(`^broker-api: port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
    } finally {
      blocker.close();
    }
  });
});
