import { describeDelay, planRestart, RESTART_BACKOFF } from './restart-backoff';

describe('planRestart (the restart backoff)', () => {
  it('doubles from 1 s to a 30 s ceiling while the process keeps dying quickly', () => {
    const delays: number[] = [];
    let consecutive = 0;
    for (let death = 0; death < 8; death++) {
      const plan = planRestart(consecutive, 500);
      consecutive = plan.consecutive;
      delays.push(plan.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over at 1 s after a stable run', () => {
    expect(planRestart(6, RESTART_BACKOFF.stableAfterMs)).toEqual({ consecutive: 1, delayMs: 1_000 });
    expect(planRestart(6, RESTART_BACKOFF.stableAfterMs - 1)).toEqual({ consecutive: 7, delayMs: 30_000 });
  });

  it('stays finite after very many deaths, and follows a policy given to it', () => {
    expect(planRestart(10_000, 0).delayMs).toBe(30_000);
    const quick = { initialMs: 100, maxMs: 400, stableAfterMs: 1_000 };
    expect([1, 2, 3].map((previous) => planRestart(previous - 1, 0, quick).delayMs)).toEqual([100, 200, 400]);
  });

  it('reads as seconds in a log line', () => {
    expect([describeDelay(1_000), describeDelay(30_000), describeDelay(500)]).toEqual([
      '1 s',
      '30 s',
      '0.5 s',
    ]);
  });
});
