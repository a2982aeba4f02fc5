import type { LogIntegrity } from '@app/exchange-log';
import { SharedIntegrityCheck } from './shared-integrity-check';

/**
 * The single-flight and age rules of the whole-log check, with a check the test finishes by hand and a
 * clock it sets (the real check on a real log is in audit-api.int-spec.ts and the tamper specs).
 */
describe('SharedIntegrityCheck', () => {
  const MAX_AGE_MS = 300_000;
  let now: number;
  let started: Array<(integrity: LogIntegrity) => void>;
  let failNext: Error | null;

  function check(): Promise<LogIntegrity> {
    if (failNext !== null) {
      const error = failNext;
      failNext = null;
      return Promise.reject(error);
    }
    return new Promise((resolve) => started.push(resolve));
  }

  const intact = (treeSize: number): LogIntegrity => ({ treeSize, checkpoint: `note ${treeSize}`, ok: true });

  beforeEach(() => {
    now = Date.UTC(2026, 11, 2, 12, 0, 0);
    started = [];
    failNext = null;
  });

  it('runs one check for callers arriving while it runs, and answers each of them with it', async () => {
    const shared = new SharedIntegrityCheck(check, MAX_AGE_MS, () => now);
    const first = shared.current();
    now += 1_000;
    const second = shared.current();
    expect(started).toHaveLength(1);
    started[0](intact(10));
    const answers = await Promise.all([first, second]);
    expect(answers[0]).toEqual({ ...intact(10), checkedAt: '2026-12-02T12:00:00.000Z' });
    expect(answers[1]).toBe(answers[0]);
  });

  it('reuses the answer until it is max-age old (counted from the check’s start), then checks afresh', async () => {
    const shared = new SharedIntegrityCheck(check, MAX_AGE_MS, () => now);
    const first = shared.current();
    started[0](intact(10));
    await first;
    now += MAX_AGE_MS - 1;
    await expect(shared.current()).resolves.toMatchObject({ treeSize: 10 });
    expect(started).toHaveLength(1);
    now += 1;
    const fresh = shared.current();
    expect(started).toHaveLength(2);
    started[1](intact(25));
    await expect(fresh).resolves.toEqual({ ...intact(25), checkedAt: new Date(now).toISOString() });
  });

  it('checks on every call that finds none running when the age is 0', async () => {
    const shared = new SharedIntegrityCheck(check, 0, () => now);
    const first = shared.current();
    started[0](intact(1));
    await first;
    const second = shared.current();
    expect(started).toHaveLength(2);
    started[1](intact(2));
    await expect(second).resolves.toMatchObject({ treeSize: 2 });
  });

  it('keeps no failed check: its callers get the error, the next caller a new check', async () => {
    const shared = new SharedIntegrityCheck(check, MAX_AGE_MS, () => now);
    failNext = new Error('database gone');
    await expect(shared.current()).rejects.toThrow('database gone');
    const retried = shared.current();
    expect(started).toHaveLength(1);
    started[0](intact(3));
    await expect(retried).resolves.toMatchObject({ treeSize: 3, ok: true });
  });
});
