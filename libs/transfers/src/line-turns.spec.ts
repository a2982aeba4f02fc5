import { LineTurnTimeout, LineTurns } from './line-turns';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LineTurns', () => {
  it('runs the turns of one line one at a time, in arrival order, and other lines alongside', async () => {
    const turns = new LineTurns();
    const events: string[] = [];
    const turn = (line: string, name: string, ms: number) =>
      turns.take(line, 1000, async () => {
        events.push(`${name} start`);
        await sleep(ms);
        events.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([turn('a', 'a1', 30), turn('a', 'a2', 5), turn('b', 'b1', 5)]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 start')).toBeLessThan(events.indexOf('a1 end'));
    await sleep(0);
    expect(turns.busyLines).toBe(0);
  });

  it('gives up waiting with LineTurnTimeout without running the work; the next still waits for the earlier', async () => {
    const turns = new LineTurns();
    let firstDone = false;
    const first = turns.take('a', 1000, async () => {
      await sleep(80);
      firstDone = true;
    });
    let ranSecond = false;
    const second = turns.take('a', 10, async () => {
      ranSecond = true;
    });
    const third = turns.take('a', 1000, async () => firstDone);
    await expect(second).rejects.toBeInstanceOf(LineTurnTimeout);
    expect(ranSecond).toBe(false);
    expect(await third).toBe(true);
    await first;
  });

  it('passes the turn on when the work fails', async () => {
    const turns = new LineTurns();
    const failing = turns.take('a', 1000, () => Promise.reject(new Error('boom')));
    const next = turns.take('a', 1000, () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next');
  });
});
