/**
 * Latencies of one step of the season, kept in buckets ≈ 2 % wide instead of every sample, so the
 * driver's memory stays flat over 185,000 pupils; percentiles are read to that precision.
 */
const BUCKETS_PER_DOUBLING = 35;
/** Bucket 0 holds everything up to this many milliseconds. */
const FLOOR_MS = 0.1;
const BUCKETS = BUCKETS_PER_DOUBLING * 24;

export class StepLatencies {
  private readonly buckets = new Uint32Array(BUCKETS);
  count = 0;
  /** Answers that were retried after a 503/429 with Retry-After (contention queued on our side). */
  retries = 0;

  add(ms: number): void {
    const index =
      ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms / FLOOR_MS) * BUCKETS_PER_DOUBLING));
    this.buckets[index] += 1;
    this.count += 1;
  }

  /** The latency at `share` (0–1) of the samples, in milliseconds (the bucket's upper edge). */
  percentile(share: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(share * this.count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.buckets[index];
      if (seen >= rank) return FLOOR_MS * 2 ** (index / BUCKETS_PER_DOUBLING);
    }
    return NaN;
  }
}

/** The steps the season times, in the order a pupil goes through them. */
export const SEASON_STEPS = [
  'request',
  'stage',
  'inzage',
  'consent',
  'release wait',
  'inbox poll',
  'fetch',
  'receipt',
] as const;
export type SeasonStep = (typeof SEASON_STEPS)[number];

export function newStepTable(): Record<SeasonStep, StepLatencies> {
  return Object.fromEntries(SEASON_STEPS.map((step) => [step, new StepLatencies()])) as Record<
    SeasonStep,
    StepLatencies
  >;
}
