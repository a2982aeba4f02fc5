import { judgeRss, rssOf } from './rss-series';

const MB = 1024 * 1024;
/** One sample every 15 s: the first four are the warm-up (60 s). */
const series = (...mb: number[]) => mb.map((value, at) => ({ atMs: at * 15_000, bytes: value * MB }));

/** The soak's rule for "RSS grows": medians after the warm-up, a factor and a floor. */
describe('judgeRss', () => {
  it('sees no growth in a flat series whose warm-up rose', () => {
    expect(judgeRss(series(60, 150, 200, 240, 250, 245, 252, 248, 251, 249, 250, 247)).verdict).toBe(
      'no growth',
    );
  });

  it('sees growth when the last third is well above the first third after the warm-up', () => {
    const judged = judgeRss(series(60, 200, 200, 200, 210, 220, 240, 260, 280, 300, 320, 340));
    expect(judged.verdict).toBe('grows');
    expect(judged.lastBytes! / judged.firstBytes!).toBeGreaterThan(1.25);
  });

  it('does not call a small process’s rise of a few MB growth (the floor)', () => {
    expect(judgeRss(series(20, 20, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30)).verdict).toBe('no growth');
  });

  it('does not judge a series too short after its warm-up (a process killed soon after it started)', () => {
    expect(judgeRss(series(55, 150, 160, 170, 175, 178, 180, 185, 190)).verdict).toBe('too short to judge');
  });

  it('reads the resident memory of a live process, and nothing of one that is gone', () => {
    expect(rssOf(process.pid)).toBeGreaterThan(MB);
    expect(rssOf(2 ** 22 + 1)).toBeNull();
  });
});
