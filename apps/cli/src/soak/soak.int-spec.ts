import { DEFAULT_SOAK, SoakResult, runSoak } from './soak-run';
import { soakReport } from './soak-report';

/**
 * `npm run soak` in short, through the same code: the built broker (two broker-api processes, two
 * release-workers) on the real PostgreSQL and Redis, the season's load for 50 s while the chaos loop
 * SIGKILLs a process every 6 s, then the counts from the exchange log. Every killed process must come back
 * (the cluster primary restarts its API processes, supervision the workers); nothing is released twice,
 * lost or released ungated.
 */
const LOAD_MS = 50_000;

describe('soak with a chaos loop on the real stack', () => {
  let result: SoakResult;
  const lines: string[] = [];

  beforeAll(async () => {
    result = await runSoak({
      ...DEFAULT_SOAK,
      durationMs: LOAD_MS,
      killEveryMs: 6_000,
      rssEveryMs: 5_000,
      progressEveryMs: 10_000,
      log: (line) => lines.push(line),
    });
    lines.push(...soakReport(result));
  }, 420_000);

  /** On failure the soak's own report says what happened. */
  const withReport = <T>(value: T) => ({ value, report: lines.slice(-60).join('\n') });

  it('moves dossiers under the chaos: accepted and released', () => {
    expect(withReport(result.counts.accepted > 0 && result.counts.released > 0)).toEqual(withReport(true));
    expect(result.counts.withheld).toBeGreaterThan(0);
  });

  it('releases nothing twice, loses nothing, releases nothing ungated (counted from the exchange log)', () => {
    const { duplicates, lost, ungated } = result.counts;
    expect(withReport({ duplicates, lost, ungated })).toEqual(
      withReport({ duplicates: 0, lost: 0, ungated: 0 }),
    );
  });

  it('killed processes, and every one came back as a new process', () => {
    expect(result.kills.length).toBeGreaterThan(0);
    expect(withReport(result.allBack)).toEqual(withReport(true));
    for (const kill of result.kills) {
      expect(kill.backAtMs).not.toBeNull();
      expect(kill.replacedBy).not.toBeNull();
      expect(kill.replacedBy).not.toBe(kill.pid);
    }
  });

  it('says the soak held, and samples the RSS of every process', () => {
    expect(withReport(result.problems)).toEqual(withReport([]));
    const names = new Set(result.rss.map((series) => series.name));
    for (const name of ['broker-api', 'release-worker', 'release-worker@2']) expect(names).toContain(name);
    expect([...names].filter((name) => /^broker-api#\d+$/.test(name)).length).toBeGreaterThanOrEqual(2);
  });
});
