import { median, medianConfidenceInterval, percentile, spread } from './bench-statistics';

describe('the benchmark statistics', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it('percentiles are nearest-rank samples, never interpolated', () => {
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('the median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([3, 1, 2])).toEqual({ median: 2, p99: 3, min: 1, max: 3, count: 3 });
  });

  it('the median’s interval uses the sign test’s order statistics (at least 95%)', () => {
    const ranks = (n: number) => medianConfidenceInterval(Array.from({ length: n }, (_, i) => n - i));
    // Published table of the distribution-free interval: n = 6 → (1, 6), 10 → (2, 9), 12 → (3, 10), 20 → (6, 15).
    expect(ranks(5)).toBeNull();
    expect(ranks(6)).toEqual([1, 6]);
    expect(ranks(10)).toEqual([2, 9]);
    expect(ranks(12)).toEqual([3, 10]);
    expect(ranks(20)).toEqual([6, 15]);
  });
});
