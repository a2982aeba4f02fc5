import { SignedClient } from '@app/http-signing';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { startBenchBroker, type StartedBenchBroker } from './bench-broker';

/** The benchmark broker (#13): its own database, PKI and registry, the built processes, their memory. */
describe('startBenchBroker', () => {
  let broker: StartedBenchBroker;
  const clients: SignedClient[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    broker = await startBenchBroker({ vendors: 3, schoolsPerVendor: 2, log: (line) => lines.push(line) });
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await broker?.stop();
  }, 60_000);

  const clientFor = (identity: { certificatePem: string; keyPem: string }) => {
    const client = new SignedClient({
      ...identity,
      caPem: broker.caPem,
      brokerCertificatePem: broker.brokerCertificatePem,
    });
    clients.push(client);
    return client;
  };

  it('serves every vendor on loopback over mutual TLS with the schools that mandated it', async () => {
    expect(broker.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.vendors).toHaveLength(3);
    for (const vendor of broker.vendors) {
      const answer = await clientFor(vendor).request(`${broker.baseUrl}/v1/whoami`);
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body.toString('utf8')) as {
        id: string;
        mandatedSchools: Array<{ school: string; sector: string }>;
      };
      expect(body.id).toBe(vendor.id);
      expect(body.mandatedSchools.map((school) => school.school).sort()).toEqual(
        vendor.schools.map((school) => school.code).sort(),
      );
    }
    const sectors = new Set(
      broker.vendors.flatMap((vendor) => vendor.schools.map((school) => school.sector)),
    );
    expect([...sectors].sort()).toEqual(['PO', 'VO']);
    const boards = new Set(broker.vendors.flatMap((vendor) => vendor.schools.map((s) => s.bevoegdGezag)));
    expect(boards.size).toBeGreaterThan(1);
  });

  it('knows the supervisory auditor', async () => {
    const answer = await clientFor(broker.auditor).request(`${broker.baseUrl}/v1/whoami`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({
      kind: 'auditor',
      id: broker.auditor.name,
    });
  });

  it('says that the rate limit is raised, and samples the peak RSS of both processes', () => {
    expect(lines.join('\n')).toMatch(/rate limit is raised, benchmarks are not rate-limit tests/);
    const names = broker.memory().map((process) => process.name);
    expect(names).toEqual(expect.arrayContaining(['broker-api', 'release-worker']));
    for (const process of broker.memory()) expect(process.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(broker.unexpectedExits()).toEqual([]);
  });

  it('tells a CPU meter its processes, its own database and Redis', () => {
    const { cpuSources } = broker;
    expect(cpuSources.brokerProcesses().map((process) => process.name)).toEqual(
      expect.arrayContaining(['broker-api', 'release-worker']),
    );
    expect(new URL(broker.databaseUrl).pathname).toBe(`/${cpuSources.database}`);
    expect(cpuSources.database).toMatch(/^oso_bench_/);
    expect(cpuSources.redisUrl).toMatch(/^redis/);
  });

  it('points every vendor webhook at its receiver and stores its tables in its own database', async () => {
    const db = new Client({ connectionString: broker.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string; webhook_url: string }>(
        `SELECT id, webhook_url FROM ${broker.schema}.vendors ORDER BY id`,
      );
      expect(rows.map((row) => row.id)).toEqual(broker.vendors.map((vendor) => vendor.id));
      for (const row of rows)
        expect(row.webhook_url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/webhooks/${row.id}$`));
    } finally {
      await db.end();
    }
  });

  it('stop() ends the processes, drops the database and removes its work directory', async () => {
    const pids = broker.memory().map((process) => process.pid);
    const { databaseUrl, workDir } = broker;
    await broker.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(workDir)).toBe(false);
    const db = new Client({ connectionString: databaseUrl });
    await expect(db.connect()).rejects.toThrow(/does not exist/);
    await db.end().catch(() => undefined);
  }, 60_000);
});
