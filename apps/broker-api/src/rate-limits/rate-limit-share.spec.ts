import { rateLimitShare } from './rate-limit-share';

describe('rateLimitShare', () => {
  it('gives each process its share, so the processes together stay within the limit (rounded up)', () => {
    expect(rateLimitShare(600, 1)).toBe(600);
    expect(rateLimitShare(600, 2)).toBe(300);
    expect(rateLimitShare(600, 7)).toBe(86);
    expect(rateLimitShare(600, 7) * 7).toBeLessThan(600 + 7);
  });

  it('never gives a process nothing', () => {
    expect(rateLimitShare(1, 4)).toBe(1);
  });
});
