import type { BenchVendor } from '../bench/load/bench-broker';
import { StartedBenchBroker, startBenchBroker } from '../bench/load/bench-broker';
import { SeasonOutcome, driveSeason } from '../bench/season/season-driver';
import { DEFAULT_MIX, PupilPlan, SeasonPlan } from '../bench/season/season-plan';
import { ChaosKill, ChaosLoop, ChaosTarget } from './chaos-loop';
import { RssJudgement, RssRecorder, RssSeries, judgeRss, rssOf as rssNow } from './rss-series';
import { SoakClients, SoakRetries } from './soak-client';
import { SoakCounts, countSoak } from './soak-counts';

/**
 * One soak: a steady mixed load (the season's driver: PO→VO and VO→VO exchanges with inzage, consent,
 * fetch and receipt, and some withheld) against a broker of two broker-api processes and two
 * release-workers, while the chaos loop kills one of them at random; then the counts from the exchange
 * log, the kills and restarts, the vendors' retries and the RSS of every process over time.
 * `npm run soak` prints it (soak-main.ts); the integration test and the privacy search run it too.
 */

export const SOAK_API_PROCESSES = 2;
export const SOAK_RELEASE_WORKERS = 2;
/** Open-ended: the run stops at its deadline, far before this many pupils (≈ 20 a second on 2 cores). */
const SOAK_PUPIL_CEILING = 10_000_000;
/** How long every killed process has, after the load, to be back before the soak says it is not. */
const ALL_BACK_WITHIN_MS = 60_000;

export interface SoakOptions {
  /** Load for this long (no new pupil starts after it); what is released still gets fetched in `graceMs`. */
  durationMs: number;
  graceMs: number;
  /** Kill one process every this often; no kills when `chaos` is false. */
  killEveryMs: number;
  chaos: boolean;
  /** Which kinds of process the chaos kills (default both). */
  targets?: readonly ChaosTarget[];
  /** Seeds the choice of targets (and where the pupils' BSNs start). */
  seed: number;
  /** Pupils in flight at once (the load's steadiness: a fixed number of vendors' workers). */
  concurrency: number;
  vendors: number;
  schoolsPerVendor: number;
  /** Every n-th pupil's inzage is never recorded: the gate must hold that dossier back. */
  withholdEvery: number;
  rssEveryMs: number;
  progressEveryMs: number;
  log: (line: string) => void;
  /** Keep the broker's work dir (PKI, process logs) after the soak. */
  keepWorkDir?: boolean;
}

export const DEFAULT_SOAK: Omit<SoakOptions, 'durationMs' | 'log'> = {
  graceMs: 60_000,
  killEveryMs: 5_000,
  chaos: true,
  seed: 14,
  concurrency: 4,
  vendors: 4,
  schoolsPerVendor: 6,
  withholdEvery: 25,
  rssEveryMs: 10_000,
  progressEveryMs: 10_000,
};

export interface SoakResult {
  counts: SoakCounts;
  kills: ChaosKill[];
  /** Ticks that killed nothing because the previous victim was not back yet. */
  skippedKills: number;
  /** Every killed process was back (a replacement running) by the end. */
  allBack: boolean;
  retries: SoakRetries;
  /** Pupils that failed, by `step: status code` (a refusal the vendor saw; its transfer is not counted lost). */
  failures: Map<string, number>;
  rss: Array<RssSeries & RssJudgement>;
  wallSeconds: number;
  started: number;
  completed: number;
  /** Where the pupils' BSNs started and the plan: the dossiers used can be made again (privacy search). */
  firstBsnHead: number;
  plan: SeasonPlan;
  /** Why the soak failed (empty: it held). */
  problems: string[];
}

/** The season's plan with the withheld pupils spread evenly over an open-ended run. */
export class SoakPlan extends SeasonPlan {
  constructor(
    vendors: readonly BenchVendor[],
    private readonly withholdEvery: number,
  ) {
    super(vendors, SOAK_PUPIL_CEILING, 0, DEFAULT_MIX);
  }

  override pupil(index: number): PupilPlan {
    return { ...super.pupil(index), withheld: index % this.withholdEvery === this.withholdEvery - 1 };
  }
}

/** Starts the soak's own broker (own database, Redis prefix, PKI), soaks it and stops it. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const broker = await startSoakBroker(options.log, options.keepWorkDir);
  try {
    return await soakBroker(broker, options);
  } finally {
    await broker.stop();
    if (options.keepWorkDir) options.log(`work dir kept: ${broker.workDir}`);
  }
}

export function startSoakBroker(
  log: (line: string) => void,
  keepWorkDir = false,
): Promise<StartedBenchBroker> {
  return startBenchBroker({
    vendors: DEFAULT_SOAK.vendors,
    schoolsPerVendor: DEFAULT_SOAK.schoolsPerVendor,
    apiProcesses: SOAK_API_PROCESSES,
    releaseWorkers: SOAK_RELEASE_WORKERS,
    restartReleaseWorkers: true,
    // Health compares the live workers with this number (the `supervise` work of #14).
    env: { RELEASE_WORKERS: String(SOAK_RELEASE_WORKERS) },
    keepWorkDir,
    log: (line) => log(`  ${line}`),
  });
}

/** Soaks a running broker of SOAK_API_PROCESSES broker-api processes and SOAK_RELEASE_WORKERS workers. */
export async function soakBroker(broker: StartedBenchBroker, options: SoakOptions): Promise<SoakResult> {
  const startedAt = Date.now();
  const plan = new SoakPlan(broker.vendors, options.withholdEvery);
  const clients = new SoakClients(broker);
  const rss = new RssRecorder(() => broker.liveProcesses(), startedAt);
  const chaos = new ChaosLoop(broker, {
    everyMs: options.killEveryMs,
    seed: options.seed,
    apiProcesses: SOAK_API_PROCESSES,
    releaseWorkers: SOAK_RELEASE_WORKERS,
    targets: options.targets,
    startedAt,
    log: options.log,
  });
  // Eight digits from the seed: the run's pupils can be made again from it.
  const firstBsnHead = 20_000_000 + ((options.seed * 7_919) % 40_000_000);
  const deadline = startedAt + options.durationMs;
  rss.start(options.rssEveryMs);
  if (options.chaos) chaos.start();
  const stopKilling = setTimeout(() => chaos.stopKilling(), options.durationMs);
  const progress = setInterval(
    () => options.log(chaosProgress(chaos, clients.retries, broker.liveProcesses(), startedAt)),
    options.progressEveryMs,
  );
  let outcome: SeasonOutcome;
  let allBack: boolean;
  try {
    outcome = await driveSeason(broker, plan, {
      concurrency: options.concurrency,
      fetchConcurrency: Math.max(2, Math.ceil(options.concurrency / 2)),
      deadline,
      graceMs: options.graceMs,
      maxAwaiting: options.concurrency * 50,
      progress: options.log,
      progressEveryMs: options.progressEveryMs,
      firstBsnHead,
      clients,
    });
  } finally {
    clearTimeout(stopKilling);
    clearInterval(progress);
    chaos.stopKilling();
    allBack = await chaos.waitAllBack(ALL_BACK_WITHIN_MS);
    rss.stop();
  }
  const counts = await countSoak(broker.databaseUrl, broker.schema, outcome, plan.sectors);
  const kills = chaos.kills();
  const judged = rss.all().map((series) => ({ ...series, ...judgeRss(series.samples) }));
  const problems: string[] = [];
  if (counts.duplicates > 0) problems.push(`${counts.duplicates} transfers released more than once`);
  if (counts.lost > 0) problems.push(`${counts.lost} lost`);
  if (counts.ungated > 0) problems.push(`${counts.ungated} released or queued without their gate`);
  if (!allBack) problems.push('a killed process did not come back');
  for (const series of judged.filter((s) => s.verdict === 'grows'))
    problems.push(`RSS of ${series.name} (pid ${series.pid}) grows`);
  if (counts.accepted === 0 || counts.released === 0)
    problems.push('no dossier accepted or released: no load');
  const unanswered = Object.values(clients.retries.timedOut).reduce((sum, n) => sum + n, 0);
  if (unanswered > 0) problems.push(`${unanswered} requests got no answer within a minute`);
  return {
    counts,
    kills,
    skippedKills: chaos.skipped,
    allBack,
    retries: { ...clients.retries, timedOut: { ...clients.retries.timedOut } },
    failures: outcome.failures,
    rss: judged,
    wallSeconds: (Date.now() - startedAt) / 1000,
    started: outcome.started,
    completed: outcome.completed,
    firstBsnHead,
    plan,
    problems,
  };
}

function chaosProgress(
  chaos: ChaosLoop,
  retries: SoakRetries,
  live: Array<{ name: string; pid: number }>,
  startedAt: number,
): string {
  const kills = chaos.kills();
  const back = kills.filter((kill) => kill.backAtMs !== null).length;
  const mb = (pid: number) => {
    const bytes = rssNow(pid);
    return bytes === null ? '?' : `${Math.round(bytes / 1024 / 1024)}`;
  };
  return (
    `  ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(5)} s  kills ${kills.length} (back ${back}, skipped ${chaos.skipped})` +
    `  retries: connection ${retries.connection}, busy ${retries.busy}, reconciled ${retries.reconciled}` +
    `  RSS MB: ${live.map((process) => `${process.name}=${mb(process.pid)}`).join(' ')}`
  );
}
