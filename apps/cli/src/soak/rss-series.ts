import { readFileSync } from 'node:fs';

/**
 * The resident memory (RSS) of every broker process over the soak: one series per process, sampled at a
 * fixed interval; a restarted process is a new process and starts a new series. The verdict "grows" is a
 * rule on medians, so one garbage-collection peak or a burst of work does not decide it:
 *   after the warm-up (the series' first WARM_UP_MS: JIT, pools, caches filling — a fresh broker-api
 *   process goes from ≈ 60 MB to ≈ 200 MB in its first minute under load),
 *   the median of the last third of the rest exceeds the median of its first third by more than
 *   GROWTH_FACTOR and by more than GROWTH_FLOOR_BYTES.
 * A series with fewer than MIN_JUDGED_SAMPLES samples after its warm-up is too short to judge (a process
 * killed soon after it started, or a short soak) and never counts as growth.
 */

export const GROWTH_FACTOR = 1.25;
/** Below this a rise is noise for a Node process (a few buffers, one more pool connection). */
export const GROWTH_FLOOR_BYTES = 16 * 1024 * 1024;
export const WARM_UP_MS = 60_000;
export const MIN_JUDGED_SAMPLES = 6;

export interface RssSample {
  /** Milliseconds since the soak started. */
  atMs: number;
  bytes: number;
}

export interface RssSeries {
  /** `broker-api#2`, `release-worker@2`, …: the process's name; a restart keeps the name, not the series. */
  name: string;
  pid: number;
  samples: RssSample[];
}

export type RssVerdict = 'no growth' | 'grows' | 'too short to judge';

export interface RssJudgement {
  verdict: RssVerdict;
  /** Medians of the first and last third after the warm-up (null when too short). */
  firstBytes: number | null;
  lastBytes: number | null;
}

export function judgeRss(samples: readonly RssSample[]): RssJudgement {
  const warm = (samples[0]?.atMs ?? 0) + WARM_UP_MS;
  const judged = samples.filter((sample) => sample.atMs >= warm);
  if (judged.length < MIN_JUDGED_SAMPLES)
    return { verdict: 'too short to judge', firstBytes: null, lastBytes: null };
  const third = Math.floor(judged.length / 3);
  const firstBytes = median(judged.slice(0, third).map((s) => s.bytes));
  const lastBytes = median(judged.slice(judged.length - third).map((s) => s.bytes));
  const grows = lastBytes > firstBytes * GROWTH_FACTOR && lastBytes - firstBytes > GROWTH_FLOOR_BYTES;
  return { verdict: grows ? 'grows' : 'no growth', firstBytes, lastBytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `VmRSS` (resident now, not the peak) of a process in bytes, or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples every live process the broker names, one series per pid. */
export class RssRecorder {
  private readonly series = new Map<number, RssSeries>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly liveProcesses: () => Array<{ name: string; pid: number }>,
    private readonly startedAt: number,
  ) {}

  start(everyMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const atMs = Date.now() - this.startedAt;
    for (const { name, pid } of this.liveProcesses()) {
      const bytes = rssOf(pid);
      if (bytes === null) continue;
      const series = this.series.get(pid) ?? { name, pid, samples: [] };
      series.samples.push({ atMs, bytes });
      this.series.set(pid, series);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  all(): RssSeries[] {
    return [...this.series.values()];
  }
}
