/** The figures `npm run bench:log` prints for a set of timings or rates. */
export interface Spread {
  median: number;
  p99: number;
  min: number;
  max: number;
  count: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values: an actual sample, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('a percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('a median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: readonly number[]): Spread {
  return {
    median: median(values),
    p99: percentile(values, 99),
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length,
  };
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * A distribution-free confidence interval for the median of `values` (at least 95%, from the sign test's
 * binomial order statistics): no assumption about the noise of a shared machine. Null when there are too
 * few values for 95% (fewer than six).
 */
export function medianConfidenceInterval(values: readonly number[]): [number, number] | null {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // P(Binomial(n, ½) ≤ j), accumulated term by term.
  let term = 0.5 ** n;
  let below = term;
  let k = 0;
  for (let j = 0; j < n && below <= 0.025; j += 1) {
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
    below += term;
  }
  if (k === 0) return null;
  return [sorted[k - 1], sorted[n - k]];
}
