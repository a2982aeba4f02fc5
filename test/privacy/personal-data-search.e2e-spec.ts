import { SignedClient } from '@app/http-signing';
import { generateDossier } from '@app/oso-dataset/generator';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { join } from 'node:path';
import Redis from 'ioredis';
import { StartedBenchBroker, startBenchBroker } from '../../apps/cli/src/bench/load/bench-broker';
import { SeasonDossiers } from '../../apps/cli/src/bench/season/season-dossiers';
import { openCliContext } from '../../apps/cli/src/cli-context';
import { DEMO_DOSSIERS } from '../../apps/cli/src/demo/demo-dossiers';
import { DEMO_REGISTRY, ensureDemoRegistry } from '../../apps/cli/src/dev-stack/demo-registry';
import {
  SoakResult,
  DEFAULT_SOAK,
  SOAK_API_PROCESSES,
  SOAK_RELEASE_WORKERS,
  soakBroker,
} from '../../apps/cli/src/soak/soak-run';
import { freePort, runBuilt } from '../support/built-process';
import { REDIS_URL } from '../test-run';
import {
  Haystack,
  Hit,
  PersonalDataSearch,
  exchangeLogHaystacks,
  linesOf,
  needlesOfDossier,
  redisHaystacks,
} from './personal-data';
import { PrivacyAttacks, answerHaystacks, runPrivacyAttacks } from './privacy-attacks';

/**
 * Issue #14, item 6: no personal data anywhere it should not be. One broker from `dist` as processes (two
 * broker-api processes, two release-workers, their stdout and stderr captured), and on it: the demo
 * (`oso demo`, its six exchanges), requests of the attack suite's kinds that make errors, and a short soak
 * with the chaos loop. Then every log line, every answer the attacking vendor received, the health answers
 * (ops port and mTLS), every Redis key and value under the broker's prefix (all types; taken after each
 * part and during the soak, so BullMQ's job data is seen while jobs live) and every exchange-log entry is
 * searched for the BSNs, names, birth dates and addresses of every dossier used. The search proves it can
 * fail: every needle is found in its own dossier, and values planted in Redis and in a log line are found.
 */
jest.setTimeout(900_000);

const SOAK_MS = 30_000;

describe('no personal data in logs, answers, health, Redis or the exchange log (demo, attacks, soak)', () => {
  let broker: StartedBenchBroker;
  let opsPort: number;
  const search = new PersonalDataSearch();
  const redisSnapshots: Haystack[][] = [];
  const dossiers: Array<{ what: string; xml: string }> = [];
  /** SHA-256 of every dossier version the broker stored: the soak's dossiers made again must be among them. */
  let storedVersions = new Set<string>();
  let demoExit: number | null = null;
  let demoOutput = '';
  let attacks: PrivacyAttacks;
  let soak: SoakResult;
  let health: Haystack[] = [];
  let plantedHits: Hit[] = [];
  let hits: Hit[] = [];
  let searched = 0;
  const progress: string[] = [];

  beforeAll(async () => {
    opsPort = await freePort();
    broker = await startBenchBroker({
      vendors: DEFAULT_SOAK.vendors,
      schoolsPerVendor: DEFAULT_SOAK.schoolsPerVendor,
      apiProcesses: SOAK_API_PROCESSES,
      releaseWorkers: SOAK_RELEASE_WORKERS,
      restartReleaseWorkers: true,
      env: { RELEASE_WORKERS: String(SOAK_RELEASE_WORKERS), OPS_PORT: String(opsPort) },
      keepWorkDir: true,
      log: (line) => progress.push(line),
    });
    const snapshotRedis = async (label: string) =>
      redisSnapshots.push(await redisHaystacks(REDIS_URL, broker.redisPrefix, label));

    // 1. The demo, against this broker: its registry and certificates added as `npm start` would.
    await addDemoRegistry(broker.env);
    const port = new URL(broker.baseUrl).port;
    const demo = await runBuilt(
      'cli',
      ['demo', '--broker', `https://localhost:${port}`, '--wait-seconds', '60'],
      {
        ...broker.env,
        TMPDIR: broker.workDir,
      },
    );
    demoExit = demo.code;
    demoOutput = [...demo.stdout, ...demo.stderr].join('\n');
    for (const [what, recipe] of Object.entries(DEMO_DOSSIERS)) {
      dossiers.push({ what: `demo ${what}`, xml: generateDossier(recipe).xml });
    }
    await snapshotRedis('after the demo');

    // 2. The attack suite's kinds of request that make errors, each carrying a pupil's data.
    attacks = await runPrivacyAttacks(
      broker.baseUrl,
      broker.caPem,
      broker.brokerCertificatePem,
      broker.vendors[0],
      broker.vendors[1],
    );
    attacks.dossiers.forEach((xml, index) => dossiers.push({ what: `attack dossier ${index + 1}`, xml }));
    await snapshotRedis('after the attacks');

    // 3. A short soak with the chaos loop; Redis is read once in the middle, while jobs live.
    const midway = new Promise<void>((done) =>
      setTimeout(
        () =>
          void snapshotRedis('during the soak').then(
            () => done(),
            () => done(),
          ),
        SOAK_MS / 2,
      ),
    );
    soak = await soakBroker(broker, {
      ...DEFAULT_SOAK,
      durationMs: SOAK_MS,
      graceMs: 60_000,
      killEveryMs: 6_000,
      rssEveryMs: 5_000,
      progressEveryMs: 10_000,
      log: (line) => progress.push(line),
    });
    await midway;
    const soakDossiers = new SeasonDossiers(soak.firstBsnHead);
    for (let index = 0; index < soak.started; index += 1) {
      const pupil = soak.plan.pupil(index);
      const dossier = soakDossiers.forPupil(pupil.route, pupil.size, pupil.source.school);
      dossiers.push({ what: `soak pupil ${index}`, xml: dossier.bytes.toString('utf8') });
    }

    storedVersions = await storedContentHashes(broker.databaseUrl);

    // 4. Health, as an operator's monitoring and a vendor read it.
    health = await healthAnswers(broker, opsPort);
    await snapshotRedis('at the end');

    for (const { xml } of dossiers) search.add(needlesOfDossier(xml));
    search.add(attacks.extraBsns.map((value) => ({ kind: 'bsn' as const, value })));

    // The search can fail: values planted in Redis (string, hash, stream) and in a log line are found.
    plantedHits = await plantAndFind(broker.redisPrefix, search);

    const haystacks: Haystack[] = [
      ...logHaystacks(broker.workDir),
      ...answerHaystacks(attacks.answers),
      ...health,
      ...redisSnapshots.flat(),
      ...(await exchangeLogHaystacks(broker.databaseUrl)),
    ];
    searched = haystacks.length;
    hits = search.find(haystacks);
  });

  afterAll(async () => {
    // What was searched, for the record (counts only, never a value).
    const kinds = new Map<string, number>();
    for (const needle of search.needles) kinds.set(needle.kind, (kinds.get(needle.kind) ?? 0) + 1);
    process.stderr.write(
      `personal-data search: ${search.needles.length} needles (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}) ` +
        `from ${dossiers.length} dossiers; ${searched} haystacks (${redisSnapshots.map((s) => s.length).join('/')} Redis values ` +
        `after demo/attacks/during soak/end); soak ${soak?.counts.accepted ?? 0} accepted, ${soak?.kills.length ?? 0} kills; ` +
        `${hits.length} hits\n`,
    );
    const workDir = broker?.workDir;
    await broker?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('ran the demo, the attacks and the soak on the one broker', () => {
    expect({ demoExit, tail: demoOutput.slice(-1500) }).toEqual({ demoExit: 0, tail: expect.any(String) });
    expect(demoOutput).toContain('Every scenario held');
    // Every attack was refused but the two accepted steps it needs and the nonce's first use.
    const refused = attacks.answers.filter((answer) => !/accepted|first use/.test(answer.label));
    expect(refused.map((answer) => [answer.label, answer.status >= 400])).toEqual(
      refused.map((answer) => [answer.label, true]),
    );
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(soak.counts.accepted).toBeGreaterThan(0);
    expect(soak.kills.length).toBeGreaterThan(0);
    expect({ problems: soak.problems }).toEqual({ problems: [] });
  });

  it('searched every kind of place: log lines, answers, health, Redis (with job data), exchange log', () => {
    expect(searched).toBeGreaterThan(1000);
    const logs = logHaystacks(broker.workDir);
    expect(new Set(logs.map((line) => line.where.split(':')[0]))).toEqual(
      new Set(['broker-api.log', 'release-worker.log', 'release-worker@2.log']),
    );
    expect(health.map((answer) => answer.where)).toEqual(['ops GET /health', 'mTLS GET /health']);
    // After the demo, after the attacks, during the soak, at the end.
    expect(redisSnapshots.length).toBe(4);
    for (const snapshot of redisSnapshots) expect(snapshot.length).toBeGreaterThan(0);
    // BullMQ's job hashes were read while jobs lived (their `data` field).
    expect(redisSnapshots.flat().some((haystack) => / field data$/.test(haystack.where))).toBe(true);
  });

  it('can fail: every needle is in its own dossier, and planted values are found where they were put', () => {
    // The soak's dossiers made again are the very bytes the broker stored (so their needles are the real ones).
    const soakDossiers = dossiers.filter(({ what }) => what.startsWith('soak pupil'));
    expect(soakDossiers.length).toBe(soak.started);
    const notStored = soakDossiers.filter(({ xml }) => !storedVersions.has(sha256(xml)));
    // Only a pupil the broker refused before its staging may be missing (none, normally).
    const failedPupils = [...soak.failures.values()].reduce((sum, n) => sum + n, 0);
    expect({ notStored: notStored.length, failedPupils }).toEqual({
      notStored: Math.min(notStored.length, failedPupils),
      failedPupils,
    });
    expect(storedVersions.has(sha256(attacks.dossiers[0]))).toBe(true);
    expect(search.needles.length).toBeGreaterThan(dossiers.length);
    for (const kind of ['bsn', 'name', 'birth date', 'street', 'postcode'] as const) {
      expect(search.needles.filter((needle) => needle.kind === kind).length).toBeGreaterThan(0);
    }
    for (const { what, xml } of dossiers) {
      const own = needlesOfDossier(xml);
      const found = new Set(search.find([{ where: what, text: xml }]).map((hit) => hit.context));
      expect({ what, needles: own.length, foundSomething: found.size > 0 }).toEqual({
        what,
        needles: own.length,
        foundSomething: true,
      });
      const alone = new PersonalDataSearch();
      alone.add(own);
      const kinds = new Set(alone.find([{ where: what, text: xml }]).map((hit) => hit.kind));
      expect({ what, kinds: [...kinds].sort() }).toEqual({
        what,
        kinds: ['birth date', 'bsn', 'name', 'postcode', 'street'],
      });
    }
    const planted = plantedHits.map(
      (hit) =>
        `${hit.where.replace(broker.redisPrefix, '<prefix>').replace(/entry \S+/, 'entry <id>')}: ${hit.kind}`,
    );
    expect(planted.sort()).toEqual([
      'planted.log:2: bsn',
      'redis planted <prefix>privacy-canary-hash field job: bsn',
      'redis planted <prefix>privacy-canary-stream entry <id> [1]: name',
      'redis planted <prefix>privacy-canary-string: bsn',
    ]);
  });

  it('finds no BSN, name, birth date or address anywhere it searched', () => {
    const report = hits.map((hit) => `${hit.where}: ${hit.kind} — …${hit.context}…`);
    expect(report).toEqual([]);
  });
});

/** The demo's schools, vendors and auditors, added to this broker's registry, and their certificates. */
async function addDemoRegistry(env: Readonly<Record<string, string>>): Promise<void> {
  const context = await openCliContext(env);
  try {
    const { registry } = context;
    for (const school of DEMO_REGISTRY.schools) {
      await registry.addSchool({ ...school, bevoegdGezag: DEMO_REGISTRY.bevoegdGezag });
    }
    for (const vendor of DEMO_REGISTRY.vendors) {
      await registry.addVendor(vendor);
      await registry.grantMandate({ schoolCode: vendor.school, vendorId: vendor.id });
    }
    await registry.addAuditor({ name: DEMO_REGISTRY.auditor, boards: [DEMO_REGISTRY.bevoegdGezag] });
    await registry.addAuditor({ name: DEMO_REGISTRY.supervisoryAuditor, supervisory: true });
    await ensureDemoRegistry(context, () => undefined);
  } finally {
    await context.close();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function storedContentHashes(databaseUrl: string): Promise<Set<string>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sha: string }>(
      'SELECT content_sha256 AS sha FROM dossier_versions',
    );
    return new Set(rows.map((row) => row.sha));
  } finally {
    await client.end();
  }
}

/** Every line every broker process wrote (stdout and stderr, restarts appended), file by file. */
function logHaystacks(workDir: string): Haystack[] {
  return readdirSync(workDir)
    .filter((file) => file.endsWith('.log'))
    .flatMap((file) => linesOf(file, readFileSync(join(workDir, file), 'utf8')));
}

async function healthAnswers(broker: StartedBenchBroker, opsPort: number): Promise<Haystack[]> {
  const ops = await fetch(`http://127.0.0.1:${opsPort}/health`);
  const client = new SignedClient({
    certificatePem: broker.vendors[0].certificatePem,
    keyPem: broker.vendors[0].keyPem,
    caPem: broker.caPem,
    brokerCertificatePem: broker.brokerCertificatePem,
  });
  try {
    const mtls = await client.request(new URL('/health', broker.baseUrl));
    return [
      { where: 'ops GET /health', text: await ops.text() },
      { where: 'mTLS GET /health', text: mtls.body.toString('utf8') },
    ];
  } finally {
    client.close();
  }
}

/** Plants needles in Redis (string, hash, stream) and a log line, searches them as the test does, removes them. */
async function plantAndFind(prefix: string, search: PersonalDataSearch): Promise<Hit[]> {
  const bsn = search.needles.find((needle) => needle.kind === 'bsn')!.value;
  const name = search.needles.find((needle) => needle.kind === 'name')!.value;
  const redis = new Redis(REDIS_URL);
  const keys = ['string', 'hash', 'stream'].map((type) => `${prefix}privacy-canary-${type}`);
  try {
    await redis.set(keys[0], JSON.stringify({ pupil: { bsn } }));
    await redis.hset(keys[1], 'job', JSON.stringify({ data: { bsn } }));
    await redis.xadd(keys[2], '*', 'who', name);
    const planted = (await redisHaystacks(REDIS_URL, `${prefix}privacy-canary`, 'planted')).concat(
      linesOf('planted.log', `a line without\nstaging for ${bsn} failed`),
    );
    return search.find(planted);
  } finally {
    await redis.del(...keys);
    redis.disconnect();
  }
}
