import { chmodSync, statSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort, runBuilt } from '../support/built-process';
import { httpsJson } from '../support/https-client';
import { databaseUrlFor } from '../test-run';

/**
 * `npm start` is `oso up` on the built code: these tests run it as a newcomer would, on a PKI folder and
 * a database that do not exist yet, and talk to the result over real mutual TLS.
 */
describe('npm start (oso up)', () => {
  // Starts whole stacks: a guard for a busy machine, not a time limit on the product.
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let workDir: string;

  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-up-'));
    // An embedded PostgreSQL runs as the `postgres` user when we are root; it must reach its data folder.
    chmodSync(workDir, 0o755);
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  async function startStack(
    env: Record<string, string>,
  ): Promise<{ up: BuiltProcess; ports: Record<string, number> }> {
    const ports = { broker: await freePort(), ops: await freePort() };
    const up = new BuiltProcess('cli', ['up', '--data-dir', join(workDir, 'data')], {
      PKI_DIR: join(workDir, 'pki'),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-up`,
      // As on a fresh machine: no broker secrets in the environment, so `oso up` makes its own.
      PUPIL_KEY_SECRET: '',
      VAULT_KEKS: '',
      VAULT_ACTIVE_KEK: '',
      BROKER_PORT: String(ports.broker),
      OPS_PORT: String(ports.ops),
      ...env,
    });
    await up.waitForLine(/^Press Ctrl\+C to stop\.$/, 120_000);
    return { up, ports };
  }

  async function expectDemoVendorsServed(up: BuiltProcess, brokerPort: number): Promise<void> {
    const pki = join(workDir, 'pki');
    const ca = readFileSync(join(pki, 'ca.crt'));
    const text = up.stdout.join('\n');
    expect(text).toContain(`API (mutual TLS):  https://127.0.0.1:${brokerPort}`);
    expect(text).toContain(
      `npm run --silent oso -- request --as demo-po-las --broker https://localhost:${brokerPort} GET /v1/whoami`,
    );
    // What the welcome text tells a newcomer to try: a signed request, its answer verified.
    const tried = await runBuilt(
      'cli',
      ['request', '--as', 'demo-po-las', '--broker', `https://localhost:${brokerPort}`, 'GET', '/v1/whoami'],
      { PKI_DIR: pki },
    );
    expect(tried.stderr).toEqual(['HTTP 200 (broker signature verified)']);
    expect(JSON.parse(tried.stdout.join('\n'))).toMatchObject({ kind: 'vendor', id: 'demo-po-las' });

    for (const [vendor, school] of [
      ['demo-po-las', '00YY00'],
      ['demo-vo-las', '01XZ00'],
      ['demo-vo2-las', '02XZ00'],
    ]) {
      const response = await httpsJson(brokerPort, '/v1/whoami', {
        ca,
        cert: readFileSync(join(pki, 'vendors', `${vendor}.crt`)),
        key: readFileSync(join(pki, 'vendors', `${vendor}.key`)),
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ kind: 'vendor', id: vendor, mandatedSchools: [{ school }] });
    }
    const anonymous = await httpsJson(brokerPort, '/v1/whoami', { ca });
    expect(anonymous.body.error).toBe('CLIENT_CERTIFICATE_MISSING');
  }

  it('on a running PostgreSQL and Redis: creates the database, PKI and demo registry, and serves them', async () => {
    const database = `${process.env.TEST_DATABASE_NAME}_up`;
    const { up, ports } = await startStack({ DATABASE_URL: databaseUrlFor(database) });
    try {
      expect(up.stdout).toContain(`oso up: created database ${database}`);
      expect(up.stdout).toContain(
        'oso up: demo registry created: 3 vendors, 3 schools of one school board, 2 auditors',
      );
      // The board's auditor and the inspectorate each get a certificate the broker knows.
      for (const auditor of ['demo-auditor', 'demo-inspectorate']) {
        const whoami = await httpsJson(ports.broker, '/v1/whoami', {
          ca: readFileSync(join(workDir, 'pki', 'ca.crt')),
          cert: readFileSync(join(workDir, 'pki', 'auditors', `${auditor}.crt`)),
          key: readFileSync(join(workDir, 'pki', 'auditors', `${auditor}.key`)),
        });
        expect([whoami.status, whoami.body]).toEqual([
          200,
          expect.objectContaining({ kind: 'auditor', id: auditor }),
        ]);
      }
      const secrets = join(workDir, 'pki', 'broker-secrets.json');
      expect(up.stdout.join('\n')).toContain(
        `development secrets (pupil-key HMAC, vault key) created in ${secrets}`,
      );
      expect(statSync(secrets).mode & 0o777).toBe(0o600);
      const logKey = join(workDir, 'pki', 'log-key');
      expect(up.stdout.join('\n')).toContain(`exchange log key created in ${logKey}`);
      expect(up.stdout.join('\n')).toContain(`Log public key:    ${logKey}.pub`);
      expect(statSync(logKey).mode & 0o777).toBe(0o600);
      await expectDemoVendorsServed(up, ports.broker);
      const health = (await (await fetch(`http://127.0.0.1:${ports.ops}/health`)).json()) as Record<
        string,
        unknown
      >;
      expect(health).toMatchObject({
        database: { status: 'up' },
        redis: { status: 'up' },
        crl: { status: 'fresh' },
      });
    } finally {
      expect(await up.stop('SIGINT')).toEqual({ code: 0, signal: null });
    }
    expect(up.stdout).toContain('broker-api: stopped cleanly');
    expect(up.stdout).toContain('release-worker: stopped cleanly');

    // A second start reuses everything: no new CA, no second demo registry, same certificates.
    const caBefore = readFileSync(join(workDir, 'pki', 'ca.crt'), 'utf8');
    const again = await startStack({ DATABASE_URL: databaseUrlFor(database) });
    try {
      expect(again.up.stdout.join('\n')).not.toMatch(/created|issued/);
      expect(readFileSync(join(workDir, 'pki', 'ca.crt'), 'utf8')).toBe(caBefore);
      await expectDemoVendorsServed(again.up, again.ports.broker);
    } finally {
      expect(await again.up.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('without PostgreSQL and Redis at the configured URLs: starts embedded PostgreSQL and redis-server', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const { up, ports } = await startStack({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/oso_broker`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    try {
      expect(up.stdout).toContain(`oso up: embedded PostgreSQL runs on 127.0.0.1:${pgPort}`);
      expect(up.stdout).toContain(`oso up: redis-server runs on 127.0.0.1:${redisPort}`);
      expect(existsSync(join(workDir, 'data', 'postgres', 'PG_VERSION'))).toBe(true);
      await expectDemoVendorsServed(up, ports.broker);
    } finally {
      expect(await up.stop('SIGINT')).toEqual({ code: 0, signal: null });
    }
    // What it started, it stopped.
    const stillUp = await fetch(`http://127.0.0.1:${ports.ops}/health`).then(
      () => true,
      () => false,
    );
    expect(stillUp).toBe(false);
    const { Client } = await import('pg');
    const probe = new Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/postgres` });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
  });

  it('stops with one line, before starting anything, when a setting is wrong', async () => {
    const up = new BuiltProcess('cli', ['up'], { PKI_DIR: join(workDir, 'pki'), REDIS_URL: 'http://nope' });
    expect(await up.exited).toEqual({ code: 2, signal: null });
    expect(up.stderr.filter(Boolean)).toEqual([
      'oso: Configuration error: REDIS_URL must be a URL starting with redis:// or rediss:// (got "http://nope")',
    ]);
    expect(existsSync(join(workDir, 'pki'))).toBe(false);
  });
});
