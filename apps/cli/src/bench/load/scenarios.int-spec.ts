import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchBroker, type StartedBenchBroker } from './bench-broker';
import { writeManifest } from './bench-data';
import { BENCH_SCENARIOS } from './bench-scenarios';
import { NonLoopbackTargetError } from './k6-shim/loopback';
import { type ScenarioResult, runScenarioFile } from './k6-runner';
import { ReleaseLatency } from './release-latency';
import { CpuMeter, msPerOperation } from './process-cpu';

const LOAD_TESTS = join(__dirname, '..', '..', '..', '..', '..', 'load-tests');
const ITERATIONS = 4;

/** What each scenario's requests must answer (by request name), every one of them. */
const EXPECTED: Record<(typeof BENCH_SCENARIOS)[number], Record<string, number[]>> = {
  whoami: { 'GET /v1/whoami': [200] },
  validate: { 'POST /v1/validate': [200] },
  staging: { 'POST /v1/dossiers': [201] },
  'staging-same-pupil': { 'POST /v1/dossiers': [201, 409, 503] },
  'exchange-po-vo': {
    'POST /v1/transfers': [201],
    'POST /v1/transfers/lookup': [200],
    'PUT /v1/transfers/{id}/dossier': [201],
    'POST /v1/transfers/{id}/evidence (inzage)': [201],
    'GET /v1/transfers/{id}': [200],
    'GET /v1/transfers/{id}/dossier': [200],
    'POST /v1/transfers/{id}/receipt': [200],
  },
  'exchange-vo-vo': {
    'POST /v1/transfers': [201],
    'PUT /v1/transfers/{id}/dossier': [201],
    'POST /v1/transfers/{id}/evidence (inzage)': [201],
    'POST /v1/transfers/{id}/evidence (consent)': [201],
    'GET /v1/transfers/{id}': [200],
    'GET /v1/transfers/{id}/dossier': [200],
    'POST /v1/transfers/{id}/receipt': [200],
  },
  'release-under-load': {
    'POST /v1/dossiers': [201],
    'POST /v1/transfers': [201],
    'POST /v1/transfers/lookup': [200],
    'PUT /v1/transfers/{id}/dossier': [201],
    'POST /v1/transfers/{id}/evidence (inzage)': [201],
    'GET /v1/transfers/{id}': [200],
    'GET /v1/transfers/{id}/dossier': [200],
    'POST /v1/transfers/{id}/receipt': [200],
  },
  inbox: { 'GET /v1/transfers?role=source': [200], 'GET /v1/transfers?role=target': [200] },
  status: { 'GET /v1/transfers/{id}': [200] },
  auditor: { 'GET /v1/audit/transfers/{id}/timeline': [200] },
};

/**
 * Every k6 scenario of load-tests/ runs a few iterations through the Node runner against a real
 * benchmark broker (mutual TLS, WebCrypto signatures, generated dossiers, the release worker): no failed
 * check, no failed iteration, only the expected statuses. Speed is the benchmark's business, not this.
 */
describe('the load-test scenarios through the Node runner', () => {
  let broker: StartedBenchBroker;
  let dataDir: string;
  let manifest: string;
  let latency: ReleaseLatency;

  beforeAll(async () => {
    broker = await startBenchBroker({ vendors: 3, schoolsPerVendor: 2 });
    latency = new ReleaseLatency(broker.webhooks);
    dataDir = mkdtempSync(join(tmpdir(), 'oso-load-'));
    manifest = writeManifest(dataDir, broker);
  }, 180_000);

  afterAll(async () => {
    latency?.stop();
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const run = (name: string, env: Record<string, string> = {}): Promise<ScenarioResult> =>
    runScenarioFile(join(LOAD_TESTS, `${name}.ts`), {
      seconds: 90,
      env: {
        BENCH_MANIFEST: manifest,
        RUN_TAG: String(BENCH_SCENARIOS.indexOf(name as never)),
        VUS: '2',
        ITERATIONS: String(ITERATIONS),
        SETUP_TRANSFERS: '6',
        ...env,
      },
      caPem: broker.caPem,
      onResponse: latency.onResponse,
    });

  it.each(BENCH_SCENARIOS.map((name) => [name]))(
    '%s: every iteration passes every check, with the expected statuses',
    async (name) => {
      // The same-pupil scenario is about concurrency; the mixed one runs for a time (constant VUs).
      const extra: Record<string, Record<string, string>> = {
        'staging-same-pupil': { VUS: '8', ITERATIONS: '8' },
        'release-under-load': { VUS: '2', EXCHANGE_VUS: '1', DURATION: '4s' },
      };
      const result = await run(name, extra[name] ?? {});
      expect(result.errorMessages).toEqual([]);
      expect(result.iterationErrors).toBe(0);
      if (name === 'release-under-load') {
        expect(result.iterations).toBeGreaterThan(0);
        expect(result.iterationsByScenario.exchange).toBeGreaterThan(0);
      } else {
        expect(result.iterations).toBe(Number(extra[name]?.ITERATIONS ?? ITERATIONS));
      }
      const failed = [...result.sink.checks].filter(([, counts]) => counts.fails > 0).map(([check]) => check);
      expect(failed).toEqual([]);
      expect(result.sink.checks.size).toBeGreaterThan(0);
      const expected = EXPECTED[name];
      const names = new Set(result.sink.requests.map((sample) => sample.name));
      const unexpected = result.sink.requests
        .filter((sample) => !(expected[sample.name] ?? []).includes(sample.status))
        .map((sample) => `${sample.name} → ${sample.status} ${sample.code ?? ''}`);
      expect(unexpected).toEqual([]);
      for (const wanted of Object.keys(expected)) expect(names).toContain(wanted);
      if (name === 'staging-same-pupil') {
        expect(result.sink.requests.some((sample) => sample.status === 201)).toBe(true);
      }
    },
    120_000,
  );

  it('measures the CPU per iteration of broker-api, release-worker, PostgreSQL, Redis and the driver', async () => {
    const meter = new CpuMeter(broker.cpuSources);
    await meter.start();
    const result = await run('staging', { VUS: '4', ITERATIONS: '16' });
    const cpu = await meter.stop();
    expect(result.iterations).toBe(16);
    expect(cpu.unseen).toEqual([]);
    expect(cpu.wallSeconds).toBeGreaterThan(0);
    // Staging spends CPU in the API (validation, encryption), in its database backends, and in the driver
    // (signing, TLS); Redis and the release worker may idle through a span this short, but are measured.
    for (const group of ['broker-api', 'postgres', 'driver'] as const)
      expect(msPerOperation(cpu.seconds.get(group) ?? 0, result.iterations)).toBeGreaterThan(0);
    for (const group of ['release-worker', 'redis'] as const)
      expect(cpu.seconds.get(group)).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('hears of every release the exchanges allowed through the receiving vendor’s webhook', async () => {
    const deadline = Date.now() + 15_000;
    while (latency.results().pending > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const { latenciesMs, pending } = latency.results();
    expect(pending).toBe(0);
    // Every exchange iteration allowed one release; none of them may go unheard.
    expect(latenciesMs.length).toBeGreaterThanOrEqual(2 * ITERATIONS + 1);
    for (const value of latenciesMs) expect(value).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('refuses a scenario whose hosts lead off this machine, before sending anything', async () => {
    const file = join(dataDir, 'remote.ts');
    writeFileSync(
      file,
      "export const options = { hosts: { 'broker.example': '192.0.2.10' }, tlsAuth: [{ domains: ['broker.example'], cert: '', key: '' }] };\n" +
        'export default async function () {}\n',
    );
    await expect(runScenarioFile(file, { env: {}, seconds: 1 })).rejects.toThrow(NonLoopbackTargetError);
    await expect(runScenarioFile(file, { env: {}, seconds: 1 })).rejects.toThrow(
      /only drives a broker on this machine \(loopback\); broker\.example \(→ 192\.0\.2\.10\)/,
    );
  });

  it('refuses a request to an address off this machine, and sends nothing', async () => {
    const file = join(dataDir, 'remote-request.ts');
    writeFileSync(
      file,
      "import http from 'k6/http';\n" +
        'export const options = { vus: 1, iterations: 1 };\n' +
        "export default async function () { await http.asyncRequest('GET', 'https://198.51.100.7/v1/whoami'); }\n",
    );
    const result = await runScenarioFile(file, { env: {}, seconds: 5 });
    expect(result.iterationErrors).toBe(1);
    expect(result.errorMessages[0]).toMatch(
      /only drives a broker on this machine \(loopback\); 198\.51\.100\.7/,
    );
    expect(result.sink.requests).toEqual([]);
  });
});
