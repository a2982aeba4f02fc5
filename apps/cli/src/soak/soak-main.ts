import { Command, InvalidArgumentError } from 'commander';
import { CHAOS_TARGETS, ChaosTarget } from './chaos-loop';
import { DEFAULT_SOAK, SOAK_API_PROCESSES, SOAK_RELEASE_WORKERS, runSoak } from './soak-run';
import { soakReport } from './soak-report';

/**
 * `npm run soak -- --minutes N`: a steady mixed load against two broker-api processes and two
 * release-workers while a chaos loop SIGKILLs one of them at random every few seconds; at the end the
 * counts from the exchange log (accepted, released, duplicates, lost, ungated), the kills and restarts, the
 * vendors' retries and the RSS of every process over time. Exit code 1 when duplicates, lost or ungated is
 * not 0, a killed process did not come back, or a process's RSS grows; 2 when the soak could not run.
 */

const positive = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('a positive number');
  return n;
};
const whole = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number, 0 or more');
  return n;
};

const target = (value: string): ChaosTarget => {
  const found = CHAOS_TARGETS.find((kind) => kind === value);
  if (!found) throw new InvalidArgumentError(`one of ${CHAOS_TARGETS.join(', ')}`);
  return found;
};

const program = new Command('soak')
  .description(
    'Soak two broker-api processes and two release-workers under load while killing them at random',
  )
  .option('--minutes <n>', 'minutes of load (decimals allowed)', positive, 10)
  .option(
    '--kill-every <s>',
    'SIGKILL one broker process every <s> seconds',
    positive,
    DEFAULT_SOAK.killEveryMs / 1000,
  )
  .option('--seed <n>', 'seeds the choice of processes to kill (repeatable runs)', whole, DEFAULT_SOAK.seed)
  .option('--no-chaos', 'the same load without kills (a baseline)')
  .option('--only <kind>', `kill only this kind of process: ${CHAOS_TARGETS.join(' or ')}`, target)
  .option('--keep', 'keep the work dir (PKI, every process’s log) and say where it is')
  .option('--concurrency <n>', 'pupils in flight at once', positive, DEFAULT_SOAK.concurrency)
  .option(
    '--rss-every <s>',
    'sample every process’s RSS every <s> seconds',
    positive,
    DEFAULT_SOAK.rssEveryMs / 1000,
  );

interface Options {
  minutes: number;
  killEvery: number;
  seed: number;
  chaos: boolean;
  only?: ChaosTarget;
  keep?: boolean;
  concurrency: number;
  rssEvery: number;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = program.parse().opts<Options>();
  say(
    `soak: ${options.minutes} min of load against ${SOAK_API_PROCESSES} broker-api processes and ` +
      `${SOAK_RELEASE_WORKERS} release-workers, ` +
      (options.chaos
        ? `one ${options.only ?? 'process'} killed (SIGKILL) every ${options.killEvery} s, seed ${options.seed}`
        : 'no chaos'),
  );
  const result = await runSoak({
    ...DEFAULT_SOAK,
    durationMs: options.minutes * 60_000,
    killEveryMs: options.killEvery * 1000,
    chaos: options.chaos,
    targets: options.only ? [options.only] : undefined,
    seed: options.seed,
    concurrency: Math.round(options.concurrency),
    rssEveryMs: options.rssEvery * 1000,
    log: say,
    keepWorkDir: options.keep,
  });
  for (const line of soakReport(result)) say(line);
  if (result.problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(2);
});
