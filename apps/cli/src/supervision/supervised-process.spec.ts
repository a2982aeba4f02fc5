import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess, SupervisedProcessOptions } from './supervised-process';

/**
 * Real child processes (tiny node scripts): what is killed, restarted and stopped is an OS process.
 * A quick backoff keeps the test short; the doubling itself is planRestart's spec.
 */
const QUICK = { initialMs: 100, maxMs: 400, stableAfterMs: 60_000 };

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('SupervisedProcess', () => {
  let dir: string;
  let serving: string;
  let failing: string;
  const started: SupervisedProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervised-'));
    serving = join(dir, 'serving.js');
    // Answers SIGTERM like a broker process (handler first, as closeOnSignals is set before the ready
    // line), says it serves, then stays.
    writeFileSync(
      serving,
      `process.on('SIGTERM', () => { console.log('demo-app: stopped cleanly'); process.exit(0); });
       console.log('demo-app: ready ' + process.env.SLOT);
       console.error('a line without prefix');
       console.log('demo-app#1: a cluster process line');
       setInterval(() => undefined, 1000);`,
    );
    failing = join(dir, 'failing.js');
    writeFileSync(failing, `console.error('demo-app: port 1 is already in use'); process.exit(1);`);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((supervised) => supervised.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function supervise(options: Partial<SupervisedProcessOptions>, out: string[], log: string[]) {
    const supervised = new SupervisedProcess({
      name: 'demo-app#2',
      entry: serving,
      env: { SLOT: 'two' },
      readyLine: /^demo-app: ready/,
      backoff: QUICK,
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      log: (line) => log.push(line),
      ...options,
    });
    started.push(supervised);
    return supervised.start();
  }

  it('relays prefixed output and restarts a process killed with SIGKILL, with a new pid', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const supervised = supervise({}, out, log);
    await once(supervised, 'ready');
    const first = supervised.pid!;
    // stderr is its own pipe: its line may come after the ready line.
    await until(() => out.includes('demo-app#2: a line without prefix'));
    expect(out).toContain('demo-app#2: ready two');
    expect(out).not.toContain('demo-app#2: demo-app#2: ready two');

    const restarted = once(supervised, 'ready');
    supervised.signal('SIGKILL');
    const [exit] = (await once(supervised, 'exit')) as [{ pid: number; signal: string; expected: boolean }];
    expect(exit).toMatchObject({ pid: first, signal: 'SIGKILL', expected: false });
    expect(supervised.pid).toBeUndefined();
    await restarted;
    expect(supervised.pid).toBeGreaterThan(0);
    expect(supervised.pid).not.toBe(first);
    expect(supervised.restarts).toBe(1);
    expect(log).toEqual([`demo-app#2 (pid ${first}) exited with signal SIGKILL; restarting in 0.1 s`]);
    expect(() => process.kill(first, 0)).toThrow();
  });

  it('keeps the lines a cluster primary relays from its own numbered processes', async () => {
    const out: string[] = [];
    const supervised = supervise({ name: 'demo-app' }, out, []);
    await supervised.waitForLine(/^demo-app#1: a cluster process line$/);
    expect(out).toEqual(
      expect.arrayContaining(['demo-app: ready two', 'demo-app#1: a cluster process line']),
    );
    expect(out.filter((line) => line.includes('cluster process line'))).toHaveLength(1);
  });

  it('backs off while the process keeps dying quickly', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const supervised = supervise({}, out, log);
    const delays: number[] = [];
    supervised.on('restart', ({ delayMs }: { delayMs: number }) => delays.push(delayMs));
    for (let death = 0; death < 3; death++) {
      await once(supervised, 'ready');
      supervised.signal('SIGKILL');
      await once(supervised, 'restart');
    }
    expect(delays).toEqual([100, 200, 400]);
  });

  it('does not retry a first start that fails, and says so once', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const supervised = supervise({ entry: failing }, out, log);
    await expect(supervised.waitForLine(/never/)).rejects.toThrow('demo-app#2 stopped during start-up');
    expect(out).toEqual(['demo-app#2: port 1 is already in use']);
    expect([supervised.restarts, supervised.running, log]).toEqual([0, false, []]);
  });

  it('stop() ends the process without a restart and waits for its last line', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const supervised = supervise({}, out, log);
    await once(supervised, 'ready');
    const pid = supervised.pid!;
    const exits: unknown[] = [];
    supervised.on('exit', (exit) => exits.push(exit));
    await supervised.stop();
    expect(out).toContain('demo-app#2: stopped cleanly');
    expect(exits).toEqual([{ pid, code: 0, signal: null, expected: true }]);
    expect(() => process.kill(pid, 0)).toThrow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([supervised.running, supervised.restarts, log]).toEqual([false, 0, []]);
  });
});
