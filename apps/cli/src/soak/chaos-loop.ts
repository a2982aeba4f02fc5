import type { ProcessRestart } from '../bench/load/bench-broker-process';

/**
 * The soak's chaos: every `everyMs` it SIGKILLs one broker process chosen at random (a seeded generator,
 * so `--seed` repeats the choice of targets): a serving broker-api process (never the cluster's primary,
 * which is the supervisor) or a release-worker. One at a time: while the last one killed is not back, a
 * tick kills nothing (counted as skipped), so the broker is never left without an API process by the soak
 * itself. "Back" is a replacement ready: for a release-worker, a new process that said it is ready; for
 * a broker-api process, a new one the cluster primary says serves again, with as many running as configured.
 */

export const CHAOS_TARGETS = ['broker-api', 'release-worker'] as const;
export type ChaosTarget = (typeof CHAOS_TARGETS)[number];

export interface ChaosKill {
  name: string;
  pid: number;
  target: ChaosTarget;
  /** Milliseconds since the soak started. */
  atMs: number;
  backAtMs: number | null;
  /** The pid of the process that took its place. */
  replacedBy: number | null;
}

export interface ChaosBroker {
  liveProcesses(): Array<{ name: string; pid: number }>;
  restarts(): ProcessRestart[];
}

export interface ChaosOptions {
  everyMs: number;
  seed: number;
  apiProcesses: number;
  releaseWorkers: number;
  /** Which kinds of process may be killed (default both). */
  targets?: readonly ChaosTarget[];
  /** Zero of the clock the kills are timed by (the soak's start). */
  startedAt: number;
  log: (line: string) => void;
}

/** How often a killed process is looked for again (its "back" time is this precise). */
const WATCH_EVERY_MS = 250;

export function targetOf(name: string): ChaosTarget | null {
  if (/^broker-api#\d+$/.test(name)) return 'broker-api';
  if (/^release-worker(@\d+)?$/.test(name)) return 'release-worker';
  return null;
}

/** mulberry32: a small seeded generator, enough to pick targets reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ChaosLoop {
  private readonly done: ChaosKill[] = [];
  private readonly random: () => number;
  /** The serving broker-api pids when the pending kill was made (a replacement is a pid not among them). */
  private apiPidsAtKill = new Set<number>();
  private killTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  skipped = 0;

  constructor(
    private readonly broker: ChaosBroker,
    private readonly options: ChaosOptions,
  ) {
    this.random = seededRandom(options.seed);
  }

  start(): void {
    this.killTimer = setInterval(() => this.tick(), this.options.everyMs);
    this.watchTimer = setInterval(() => this.watch(), WATCH_EVERY_MS);
  }

  /** No more kills; killed processes are still watched until `waitAllBack`. */
  stopKilling(): void {
    clearInterval(this.killTimer);
  }

  /** Resolves true once every killed process is back, false if one is not by `withinMs`. */
  async waitAllBack(withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (this.pending() && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, WATCH_EVERY_MS));
      this.watch();
    }
    clearInterval(this.watchTimer);
    return !this.pending();
  }

  kills(): ChaosKill[] {
    return this.done.map((kill) => ({ ...kill }));
  }

  private pending(): ChaosKill | undefined {
    return this.done.find((kill) => kill.backAtMs === null);
  }

  private live(target: ChaosTarget) {
    return this.broker.liveProcesses().filter((process) => targetOf(process.name) === target);
  }

  private tick(): void {
    this.watch();
    const api = this.live('broker-api');
    const workers = this.live('release-worker');
    if (
      this.pending() ||
      api.length < this.options.apiProcesses ||
      workers.length < this.options.releaseWorkers
    ) {
      this.skipped += 1;
      return;
    }
    const allowed = this.options.targets ?? CHAOS_TARGETS;
    const targets = [...api, ...workers].filter((process) => allowed.includes(targetOf(process.name)!));
    if (targets.length === 0) return;
    const victim = targets[Math.floor(this.random() * targets.length)];
    const target = targetOf(victim.name)!;
    this.apiPidsAtKill = new Set(api.map((process) => process.pid));
    try {
      process.kill(victim.pid, 'SIGKILL');
    } catch {
      // It died on its own between the listing and the kill: nothing was killed, next tick.
      return;
    }
    const atMs = Date.now() - this.options.startedAt;
    this.done.push({ name: victim.name, pid: victim.pid, target, atMs, backAtMs: null, replacedBy: null });
    this.options.log(`chaos: SIGKILL ${victim.name} (pid ${victim.pid}) at ${(atMs / 1000).toFixed(1)} s`);
  }

  private watch(): void {
    const kill = this.pending();
    if (!kill) return;
    let replacedBy: number | undefined;
    if (kill.target === 'release-worker') {
      replacedBy = this.broker.restarts().find((restart) => restart.exitedPid === kill.pid)?.pid;
    } else {
      const killedAt = this.options.startedAt + kill.atMs;
      const serving = this.broker
        .restarts()
        .find(
          (restart) =>
            restart.exitedPid === null && restart.readyAt >= killedAt && !this.apiPidsAtKill.has(restart.pid),
        );
      if (serving && this.live('broker-api').length >= this.options.apiProcesses) replacedBy = serving.pid;
    }
    if (replacedBy === undefined) return;
    kill.replacedBy = replacedBy;
    kill.backAtMs = Date.now() - this.options.startedAt;
    this.options.log(
      `chaos: ${kill.name} back as pid ${replacedBy} after ${((kill.backAtMs - kill.atMs) / 1000).toFixed(1)} s`,
    );
  }
}
