import type { Environment } from '@app/config';
import { ensureLogSigningKey, readLogKeyConfig } from '@app/exchange-log';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ZodRawShape } from 'zod';
import { readBrokerApiConfig } from '../../apps/broker-api/src/broker-api.config';
import { readReleaseWorkerConfig } from '../../apps/release-worker/src/release-worker.config';
import * as configReader from '../../libs/config/src/read-config';
import { readDatabaseConfig } from '../../libs/persistence/src/database.config';
import {
  COMPOSE_FILE,
  composeEnvironment,
  composeServices,
  haproxySections,
  interpolate,
  interpolateEnvironment,
  variableReferences,
} from './compose-file';

/** The service in docker/compose.yaml and the function that reads its whole configuration. */
const SERVICES = [
  { service: 'broker-api', read: (env: Environment) => readBrokerApiConfig(env) },
  { service: 'release-worker', read: (env: Environment) => readReleaseWorkerConfig(env) },
] as const;

/**
 * The TLS files and the exchange log key are mounted at run time; for reading the configuration, a folder
 * holding them stands in (the log key a real one: the broker's configuration reads it).
 */
function folderWithTlsFiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oso-compose-'));
  for (const file of ['server.crt', 'server.key', 'ca.crt', 'ca.crl']) writeFileSync(join(dir, file), '');
  ensureLogSigningKey(readLogKeyConfig({ PKI_DIR: dir }));
  return dir;
}

/**
 * The settings a reader requires, found from the configuration code itself: every readConfig call the
 * reader makes is watched, and a setting is required when its schema refuses "not set".
 */
function requiredSettingsOf(read: (env: Environment) => unknown, env: Environment): string[] {
  const shapes: ZodRawShape[] = [];
  const original = configReader.readConfig;
  const spy = jest.spyOn(configReader, 'readConfig').mockImplementation((shape, environment) => {
    shapes.push(shape);
    return original(shape, environment);
  });
  try {
    read(env);
  } finally {
    spy.mockRestore();
  }
  return shapes
    .flatMap((shape) => Object.entries(shape))
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

/** What an operator exports before `docker compose up` (docker/README.md). */
function operatorSecrets(): Record<string, string> {
  return {
    POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
    BROKER_DB_PASSWORD: randomBytes(12).toString('hex'),
    PUPIL_KEY_SECRET: randomBytes(32).toString('base64'),
    VAULT_KEKS: `kek-2026:${randomBytes(32).toString('base64')}`,
    VAULT_ACTIVE_KEK: 'kek-2026',
  };
}

describe('docker/compose.yaml', () => {
  let tlsDir: string;
  beforeAll(() => {
    tlsDir = folderWithTlsFiles();
  });
  afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

  const requiredBy = (read: (env: Environment) => unknown) =>
    // The test run's own settings (test/global-setup.ts gives the secrets) satisfy every reader.
    requiredSettingsOf(read, { ...process.env, PKI_DIR: tlsDir });

  it('finds the required settings in the configuration code (the secrets among them)', () => {
    expect(requiredBy(SERVICES[0].read)).toEqual(
      expect.arrayContaining(['PUPIL_KEY_SECRET', 'VAULT_ACTIVE_KEK', 'VAULT_KEKS']),
    );
  });

  it.each(SERVICES)('gives $service every setting it requires', ({ service, read }) => {
    const environment = composeEnvironment(service);
    const problems: string[] = [];
    for (const name of requiredBy(read)) {
      const value = environment[name];
      if (!value) {
        problems.push(`${name} is not set`);
        continue;
      }
      // A value from the operator's environment must make compose refuse when it is missing.
      for (const reference of variableReferences(value)) {
        const refuses = reference.operator === ':?' && reference.argument.includes(reference.name);
        const defaulted = reference.operator === ':-' && reference.argument !== '';
        if (!refuses && !defaulted)
          problems.push(`${name} takes \${${reference.name}} without :? and a message naming it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('refuses to start, naming the variable, while a secret is missing', () => {
    const secrets = operatorSecrets();
    // The owner's password is the migrate service's alone; the broker has its own login's.
    const services = ['postgres', 'migrate', 'broker-api'].map(composeEnvironment);
    for (const name of Object.keys(secrets)) {
      const without = { ...secrets, [name]: undefined };
      const refusals = services.filter((environment) => {
        try {
          interpolateEnvironment(environment, without);
          return false;
        } catch (error) {
          return new RegExp(`\\b${name}\\b`).test((error as Error).message);
        }
      });
      expect([name, refusals.length > 0]).toEqual([name, true]);
    }
    expect(() => interpolate('${POSTGRES_PASSWORD:?x}', {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('gives the api and the worker a configuration their own code accepts, on the compose services', () => {
    const secrets = operatorSecrets();
    const api = readBrokerApiConfig({
      ...interpolateEnvironment(composeEnvironment('broker-api'), secrets),
      PKI_DIR: tlsDir,
    });
    const worker = readReleaseWorkerConfig(
      interpolateEnvironment(composeEnvironment('release-worker'), secrets),
    );
    expect(new URL(api.database.url).host).toBe('postgres:5432');
    // The broker serves as its own login; only the one-shot migrate service has the owner's.
    expect(new URL(api.database.url).username).toBe('oso_broker');
    expect(api.database.migrationUrl).toBe(api.database.url);
    const migrate = readDatabaseConfig(interpolateEnvironment(composeEnvironment('migrate'), secrets));
    expect(new URL(migrate.migrationUrl).username).toBe('postgres');
    expect(new URL(migrate.migrationUrl).password).toBe(secrets.POSTGRES_PASSWORD);
    expect(new URL(api.database.url).password).toBe(secrets.BROKER_DB_PASSWORD);
    expect(new URL(api.redis.url).host).toBe('redis:6379');
    expect(new URL(worker.redis.url).host).toBe('redis:6379');
    // The api's health check reads the worker's heartbeat under the prefix: it must be the same.
    expect(worker.redis.prefix).toBe(api.redis.prefix);
    expect(api.vault.activeKekId).toBe('kek-2026');
    // The compose file leaves EXCHANGE_LOG_KEY_FILE empty: the key beside the mounted PKI.
    expect(api.exchangeLog.verifierKeyFile).toBe(join(tlsDir, 'log-key.pub'));
  });

  describe('at scale (#14): two API replicas and two workers on one PostgreSQL and one Redis', () => {
    const services = composeServices();
    const section = (name: string) => {
      const found = haproxySections().get(name);
      if (!found) throw new Error(`docker/haproxy.cfg has no section "${name}"`);
      return found;
    };

    it('runs two broker-api replicas and two release-workers, one postgres and one redis', () => {
      expect(services['broker-api'].deploy?.replicas).toBe(2);
      expect(services['release-worker'].deploy?.replicas).toBe(2);
      for (const single of ['postgres', 'redis', 'balancer'])
        expect(services[single].deploy?.replicas ?? 1).toBe(1);
      // Every broker process reaches the same database and Redis, under the same prefix.
      const secrets = operatorSecrets();
      const api = readBrokerApiConfig({
        ...interpolateEnvironment(composeEnvironment('broker-api'), secrets),
        PKI_DIR: tlsDir,
      });
      const worker = readReleaseWorkerConfig(
        interpolateEnvironment(composeEnvironment('release-worker'), secrets),
      );
      expect(new URL(worker.database.url).host).toBe(new URL(api.database.url).host);
      expect(new URL(worker.database.url).pathname).toBe(new URL(api.database.url).pathname);
      expect(worker.redis.url).toBe(api.redis.url);
      expect(worker.redis.prefix).toBe(api.redis.prefix);
    });

    it('tells broker-api health how many workers to expect: as many as run', () => {
      const expected = interpolate(composeEnvironment('broker-api').RELEASE_WORKERS ?? '', {});
      expect(Number(expected)).toBe(services['release-worker'].deploy?.replicas);
    });

    it('publishes 8443 on the balancer alone; the replicas only expose it', () => {
      const publishers = Object.entries(services)
        .filter(([, service]) => (service.ports ?? []).some((port) => String(port).endsWith(':8443')))
        .map(([name]) => name);
      expect(publishers).toEqual(['balancer']);
      expect(services['broker-api'].ports).toBeUndefined();
      expect(services['broker-api'].expose).toEqual(['8443']);
      expect(services.balancer.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
      // Replicas enter rotation once their own healthcheck passes.
      expect(services.balancer.depends_on?.['broker-api']?.condition).toBe('service_healthy');
    });

    it('balances in TCP passthrough: mutual TLS ends at the broker, never at the balancer', () => {
      const all = [...haproxySections().values()].flat();
      expect(section('defaults')).toContain('mode tcp');
      expect(section('frontend broker_tls')).toEqual(expect.arrayContaining(['mode tcp', 'bind :8443']));
      expect(section('backend broker_api')).toContain('mode tcp');
      // No TLS settings anywhere: no certificate on the bind, no `ssl` towards the servers, no HTTP mode.
      expect(all.filter((line) => /\b(ssl|crt|ca-file|verify)\b/.test(line))).toEqual([]);
      expect(all.filter((line) => line === 'mode http')).toEqual([]);
      const api = composeEnvironment('broker-api');
      const server = section('backend broker_api').find((line) => line.startsWith('server-template '));
      expect(server).toMatch(new RegExp(`^server-template api \\d+ broker-api:${api.BROKER_PORT}$`));
      expect(Number(server?.split(' ')[2])).toBeGreaterThanOrEqual(
        services['broker-api'].deploy?.replicas ?? 0,
      );
    });

    it('checks every replica on its ops health route and takes a down one out of rotation', () => {
      const backend = section('backend broker_api');
      const api = composeEnvironment('broker-api');
      expect(backend).toEqual(
        expect.arrayContaining(['option httpchk GET /health', 'http-check expect status 200']),
      );
      const defaults = backend.find((line) => line.startsWith('default-server '))?.split(' ') ?? [];
      expect(defaults).toContain('check');
      // The health check goes to the plain-HTTP ops listener the broker opens on OPS_PORT.
      expect(defaults[defaults.indexOf('port') + 1]).toBe(api.OPS_PORT);
      expect(api.OPS_HOST).toBe('0.0.0.0');
      // Each replica also has its own container healthcheck on the same route.
      expect(services['broker-api'].healthcheck?.test?.join(' ')).toContain(
        `127.0.0.1:${api.OPS_PORT}/health`,
      );
    });

    it('runs Redis with AOF and noeviction: queued jobs survive a restart and are never evicted', () => {
      const command = services.redis.command ?? [];
      const value = (flag: string) => command[command.indexOf(flag) + 1];
      expect(command[0]).toBe('redis-server');
      expect(value('--appendonly')).toBe('yes');
      expect(value('--maxmemory-policy')).toBe('noeviction');
      expect(services.redis.volumes).toContain('redis-data:/data');
    });
  });

  const composeCli = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;
  if (!composeCli)
    process.stderr.write(
      'compose.spec: `docker compose` is not installed here, so `docker compose config` is not run ' +
        '(the YAML checks above still ran)\n',
    );
  (composeCli ? it : it.skip)('passes `docker compose config`, and fails it without a secret', () => {
    const config = (variables: Record<string, string | undefined>) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
      for (const [name, value] of Object.entries(variables)) if (value !== undefined) env[name] = value;
      return spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], {
        cwd: dirname(COMPOSE_FILE),
        env,
        encoding: 'utf8',
      });
    };
    const secrets = operatorSecrets();
    expect(config(secrets)).toMatchObject({ status: 0 });
    const missing = config({ ...secrets, VAULT_KEKS: undefined });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/VAULT_KEKS/);
  });
});
