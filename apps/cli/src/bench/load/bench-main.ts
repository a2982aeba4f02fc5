import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { LEAF_KEY_TYPES, type LeafKeyType, isLeafKeyType } from '@app/pki/leaf-key-type';
import { CpuMeter } from './process-cpu';
import { peakRssOf } from './process-memory';
import { startBenchBroker } from './bench-broker';
import { resolveDistDir } from './bench-broker-process';
import { measureValidationBaselines } from './bench-baselines';
import { writeManifest } from './bench-data';
import { runScenarioFile } from './k6-runner';
import { BENCH_SCENARIOS } from './bench-scenarios';
import { ReleaseLatency } from './release-latency';
import { type ScenarioRow, formatReport, rowOf } from './bench-report';

/** Scenarios whose concurrency is what they are about: `--concurrency` leaves them alone. */
const FIXED_CONCURRENCY = new Set(['staging-same-pupil']);

const positive = (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
};

interface BenchOptions {
  seconds: number;
  concurrency?: number;
  only?: string;
  dist?: string;
  vendors: number;
  schoolsPerVendor: number;
  maxRequests: number;
  apiProcesses?: number;
  keep: boolean;
  serve: boolean;
  cpuProf?: string;
  keyType?: LeafKeyType;
}

/** How long after a scenario the releases it allowed may still arrive by webhook. */
const RELEASE_SETTLE_MS = 5000;

function leafKeyType(value: string): LeafKeyType {
  if (!isLeafKeyType(value)) throw new InvalidArgumentError(`one of ${LEAF_KEY_TYPES.join(', ')}`);
  return value;
}

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function bench(options: BenchOptions): Promise<void> {
  const repo = dirname(resolveDistDir());
  const scenariosDir = join(repo, 'load-tests');
  const chosen = options.only ? options.only.split(',').map((name) => name.trim()) : [...BENCH_SCENARIOS];
  for (const name of chosen) {
    if (!existsSync(join(scenariosDir, `${name}.ts`))) {
      throw new InvalidArgumentError(`no scenario "${name}" (there are: ${BENCH_SCENARIOS.join(', ')})`);
    }
  }
  const distDir = resolveDistDir(options.dist);
  say(`broker from ${distDir}`);
  const broker = await startBenchBroker({
    vendors: options.vendors,
    schoolsPerVendor: options.schoolsPerVendor,
    apiProcesses: options.apiProcesses,
    distDir,
    keepWorkDir: options.keep,
    cpuProfileDir: options.cpuProf ? resolve(options.cpuProf) : undefined,
    // The bench PKI is fresh, so both settings decide every certificate it issues (vendors' and broker's).
    env: options.keyType
      ? { PKI_CLIENT_KEY_TYPE: options.keyType, PKI_SERVER_KEY_TYPE: options.keyType }
      : undefined,
    log: say,
  });
  try {
    const dataDir = join(broker.workDir, 'load');
    mkdirSync(dataDir, { recursive: true });
    const manifestFile = writeManifest(dataDir, broker);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      templates: Array<{ name: string; file: string }>;
    };
    if (options.serve) return await serve(broker.workDir, manifestFile, chosen);
    const stagingDossier = manifest.templates.find((entry) => entry.name === 'povo-170k')!.file;
    say('validation baselines (xmllint and in-process, same dossier as staging)');
    const baselines = await measureValidationBaselines(stagingDossier);

    const rows: ScenarioRow[] = [];
    for (const [index, name] of chosen.entries()) {
      say(`scenario ${name} (${options.seconds} s at most)`);
      const latency = new ReleaseLatency(broker.webhooks);
      const meter = new CpuMeter(broker.cpuSources);
      await meter.start();
      const result = await runScenarioFile(join(scenariosDir, `${name}.ts`), {
        seconds: options.seconds,
        vus: FIXED_CONCURRENCY.has(name) ? undefined : options.concurrency,
        maxRequests: options.maxRequests,
        // Each scenario its own pupils (the broker keeps them all): RUN_TAG picks the BSNs' first digit.
        env: { BENCH_MANIFEST: manifestFile, RUN_TAG: String(index) },
        caPem: broker.caPem,
        onResponse: latency.onResponse,
      });
      // Releases allowed at the end of the scenario get a moment to be delivered.
      const { latenciesMs, pending } = await latency.settle(RELEASE_SETTLE_MS);
      latency.stop();
      // Until the releases settled: the release worker's share of the scenario is done by then.
      const cpu = await meter.stop();
      const row = { ...rowOf(result), releaseWebhookMs: latenciesMs, releasesNotHeard: pending, cpu };
      rows.push(row);
      say(
        `  ${row.iterations} iterations, ${row.iterationsPerSecond.toFixed(1)}/s, p99 ${row.p99.toFixed(0)} ms, ` +
          `checks failed ${row.failedChecks}${result.errorMessages.length ? `; errors: ${result.errorMessages.join(' | ')}` : ''}`,
      );
      const exits = broker.unexpectedExits();
      if (exits.length > 0) throw new Error(`the broker stopped under load: ${exits.join('; ')}`);
    }
    process.stdout.write(
      `${formatReport({
        rows,
        baselines,
        memory: broker.memory(),
        driverPeakRssBytes: peakRssOf(process.pid) ?? process.memoryUsage().rss,
        rateLimitPerMinute: broker.rateLimitPerMinute,
        cores: cpus().length,
        notes: [
          `certificate keys: ${options.keyType ?? "the PKI's default"} (--key-type).`,
          `broker: ${distDir}; ${options.vendors} vendors × ${options.schoolsPerVendor} schools; scenarios: ${scenariosDir}; ` +
            `at most ${options.seconds} s and ${options.maxRequests} requests each.`,
          'The driver (this Node process) shares the machine with the broker: its CPU is in the table.',
        ],
      })}\n`,
    );
  } finally {
    await broker.stop();
    if (options.keep) say(`kept ${broker.workDir}`);
  }
}

/** `--serve`: the bench broker for k6 (or anything else) until Ctrl+C. */
async function serve(workDir: string, manifestFile: string, scenarios: string[]): Promise<void> {
  const ca = join(dirname(manifestFile), 'ca.crt');
  process.stdout.write(
    [
      `bench broker running; manifest ${manifestFile}; logs in ${workDir}`,
      'with k6 (≥ 1.0):',
      ...scenarios.map(
        (name) =>
          `  SSL_CERT_FILE=${ca} k6 run -e BENCH_MANIFEST=${manifestFile} -e RUN_TAG=$RANDOM load-tests/${name}.ts`,
      ),
      'Ctrl+C stops it (and removes its database, Redis keys and work dir).',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

const program = new Command('bench')
  .description(
    'start a benchmark broker, run the k6 scenarios of load-tests/ with the Node runner, print one table',
  )
  .option('--seconds <n>', 'at most this long per scenario', positive, 15)
  .option('--concurrency <n>', 'VUs for every scenario (default: each scenario its own)', positive)
  .option('--only <names>', 'comma-separated scenarios (default: all)')
  .option(
    '--dist <dir>',
    "the built broker to measure (default: this checkout's dist), e.g. an older commit's",
  )
  .option('--vendors <n>', 'vendors in the registry', positive, 8)
  .option('--schools-per-vendor <n>', 'schools each vendor serves (PO and VO alternate)', positive, 4)
  .option('--max-requests <n>', 'at most this many requests per scenario', positive, 200_000)
  .option('--api-processes <n>', 'BROKER_API_PROCESSES for broker-api (default: its own)', positive)
  .option('--keep', 'keep the work directory (PKI, manifest, process logs)', false)
  .option('--serve', 'start the broker, write the manifest, print k6 commands, run until Ctrl+C', false)
  .option(
    '--key-type <type>',
    "key of the vendors' and the broker's certificates: rsa-2048 or p256 (default: the PKI's default)",
    leafKeyType,
  )
  .option(
    '--cpu-prof <dir>',
    'write a V8 CPU profile of every broker process into <dir> (open in Chrome DevTools)',
  )
  .action(async (options: BenchOptions) => {
    await bench(options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
