import { Command, InvalidArgumentError } from 'commander';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { startBenchBroker } from '../load/bench-broker';
import { countFromExchangeLog } from './season-checks';
import { cpuTable } from '../load/bench-report';
import { CpuMeter } from '../load/process-cpu';
import { SeasonOutcome, driveSeason } from './season-driver';
import { DEFAULT_MIX, SeasonPlan } from './season-plan';
import { SEASON_STEPS } from './season-stats';
import { DEFAULT_LEAF_KEY_TYPE, LEAF_KEY_TYPES, LeafKeyType, isLeafKeyType } from '@app/pki/leaf-key-type';

/**
 * `npm run bench:season -- --pupils N`: a season end to end against a benchmark broker (its own
 * database, Redis prefix, PKI; broker-api and release-worker as processes), then the checks counted from
 * the exchange log. Exit code 1 when a check fails or the season did not finish within --max-minutes.
 */

/** The target: 185,000 pupils in 20 minutes on this machine, driver included. */
const TARGET = { pupils: 185_000, minutes: 20 } as const;
const PROGRESS_EVERY_MS = 5_000;
/** After the last pupil started, what is released still gets fetched for this long. */
const GRACE_MS = 60_000;

const whole = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number, ${min} or more`);
  return n;
};
const share = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('a share between 0 and 1');
  return n;
};

function leafKeyType(value: string): LeafKeyType {
  if (!isLeafKeyType(value)) throw new InvalidArgumentError(`one of ${LEAF_KEY_TYPES.join(', ')}`);
  return value;
}

const program = new Command('bench:season')
  .description('Simulate a season of transfers end to end and check it from the exchange log')
  .option('--pupils <n>', 'pupils moving school', whole(1), 2_000)
  .option('--max-minutes <n>', 'no new pupil starts after this', whole(1), TARGET.minutes)
  .option('--concurrency <n>', 'pupils in flight (request, staging, evidence) at once', whole(1), 16)
  .option('--vendors <n>', 'vendors (LAS), each acting for its schools', whole(2), 8)
  .option('--schools-per-vendor <n>', 'schools per vendor, PO and VO', whole(2), 25)
  .option('--vo-share <share>', 'share of pupils moving VO→VO with consent', share, DEFAULT_MIX.voToVoShare)
  .option('--withhold <n>', 'pupils whose inzage is never recorded (must be held back)', whole(0), 0)
  .option('--api-processes <n>', 'broker-api processes (default: the broker’s own)', whole(1))
  .option(
    '--key-type <type>',
    'key of the vendors’ and the broker’s certificates: rsa-2048 or p256 (docs/operator-guide.md, "Key types")',
    leafKeyType,
    DEFAULT_LEAF_KEY_TYPE,
  )
  .option(
    '--dist <dir>',
    "the built broker to measure (default: this checkout's dist), e.g. an older commit's",
  )
  .option(
    '--cpu-prof <dir>',
    'write a V8 CPU profile of every broker process into <dir> (open in Chrome DevTools)',
  );

interface Options {
  pupils: number;
  maxMinutes: number;
  concurrency: number;
  vendors: number;
  schoolsPerVendor: number;
  voShare: number;
  withhold: number;
  apiProcesses?: number;
  keyType: LeafKeyType;
  cpuProf?: string;
  dist?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const options = program.parse().opts<Options>();
  say(
    `bench:season: ${options.pupils} pupils (${Math.round(options.voShare * 100)} % VO→VO with consent, a third of those 16+), ` +
      `${options.vendors} vendors × ${options.schoolsPerVendor} schools, concurrency ${options.concurrency}, ` +
      `at most ${options.maxMinutes} min; ${options.keyType} keys; ${cpus().length} cores`,
  );
  const broker = await startBenchBroker({
    vendors: options.vendors,
    schoolsPerVendor: options.schoolsPerVendor,
    apiProcesses: options.apiProcesses,
    // The bench PKI is fresh, so both settings decide every certificate it issues.
    env: { PKI_CLIENT_KEY_TYPE: options.keyType, PKI_SERVER_KEY_TYPE: options.keyType },
    cpuProfileDir: options.cpuProf ? resolve(options.cpuProf) : undefined,
    distDir: options.dist,
    log: (line) => say(`  ${line}`),
  });
  let failed = true;
  try {
    const plan = new SeasonPlan(broker.vendors, options.pupils, options.withhold, {
      ...DEFAULT_MIX,
      voToVoShare: options.voShare,
    });
    say(`season: ${plan.schools} schools; progress every ${PROGRESS_EVERY_MS / 1000} s`);
    const meter = new CpuMeter(broker.cpuSources);
    await meter.start();
    const outcome = await driveSeason(broker, plan, {
      concurrency: options.concurrency,
      fetchConcurrency: Math.max(2, Math.ceil(options.concurrency / 2)),
      deadline: Date.now() + options.maxMinutes * 60_000,
      graceMs: GRACE_MS,
      maxAwaiting: options.concurrency * 50,
      progress: say,
      progressEveryMs: PROGRESS_EVERY_MS,
      // Eight digits, a random start: the pupils of two runs never meet in one database.
      firstBsnHead: 20_000_000 + Math.floor(Math.random() * 40_000_000),
    });
    const cpu = await meter.stop();
    report(outcome);
    say('');
    say(
      cpuTable(
        'the season',
        'pupil',
        [
          {
            label: `${options.pupils} pupils`,
            operations: outcome.completed,
            perSecond: outcome.completed / outcome.wallSeconds,
            cpu,
          },
        ],
        cpus().length,
      ),
    );
    say('\nTHE CHECKS (counted from the exchange log):');
    const checks = await countFromExchangeLog(broker.databaseUrl, broker.schema, outcome, plan.sectors);
    const ranWhole = outcome.started === options.pupils && !outcome.timedOut;
    checks.push({
      what: `the whole season ran within --max-minutes ${options.maxMinutes}`,
      holds: ranWhole,
      detail: `${outcome.started}/${options.pupils} pupils started${outcome.timedOut ? ', stopped by the deadline' : ''}`,
    });
    const exits = broker.unexpectedExits();
    checks.push({
      what: 'no broker process died during the season',
      holds: exits.length === 0,
      detail: exits.length ? exits.join('; ') : 'none did',
    });
    for (const check of checks) say(`  ${check.holds ? '✓' : '✗'} ${check.what}: ${check.detail}`);
    failed = checks.some((check) => !check.holds);
    say('\npeak RSS:');
    for (const process of broker.memory()) say(`  ${process.name.padEnd(18)} ${mb(process.peakRssBytes)}`);
    say(`  ${'season driver'.padEnd(18)} ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    await broker.stop();
  }
  if (failed) process.exitCode = 1;
}

function report(outcome: SeasonOutcome): void {
  const rate = outcome.completed / outcome.wallSeconds;
  const projected = TARGET.pupils / rate / 60;
  say(
    `\nwall time ${outcome.wallSeconds.toFixed(1)} s: ${outcome.completed} pupils fetched and receipted = ` +
      `${rate.toFixed(1)} pupils/s (target ${(TARGET.pupils / (TARGET.minutes * 60)).toFixed(0)}/s: ` +
      `${TARGET.pupils} in ${TARGET.minutes} min; at this rate ${projected.toFixed(0)} min)`,
  );
  say(
    `${'step'.padEnd(14)}${'count'.padStart(8)}${'per s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'retried'.padStart(9)}`,
  );
  for (const step of SEASON_STEPS) {
    const latencies = outcome.steps[step];
    if (latencies.count === 0) continue;
    say(
      `${step.padEnd(14)}${String(latencies.count).padStart(8)}${(latencies.count / outcome.wallSeconds).toFixed(1).padStart(9)}` +
        `${latencies.percentile(0.5).toFixed(0).padStart(9)}${latencies.percentile(0.99).toFixed(0).padStart(9)}${String(latencies.retries).padStart(9)}`,
    );
  }
  say(`('release wait': the last act of the gate answered → the receiver's inbox showed it released)`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:season failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(2);
});
