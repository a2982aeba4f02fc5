import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort } from '../support/built-process';
import { httpsJson } from '../support/https-client';
import { alive, childrenOf } from '../support/process-tree';
import { databaseUrlFor } from '../test-run';

/** Which built app a process runs, from its command line. */
function appOf(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return (
    /dist\/apps\/([a-z-]+)\/src\/main\.js$/.exec(argv.find((arg) => arg.endsWith('main.js')) ?? '')?.[1] ??
    '?'
  );
}

interface HealthBody {
  status: string;
  releaseWorker: { status: string; expected: number; alive?: number };
  apiProcesses: { configured: number; serving: number };
}

/** Asks `check` until `done` holds for its answer (a generous deadline for a busy machine); the last answer. */
async function until<T>(check: () => Promise<T>, done: (answer: T) => boolean, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await check();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `npm start -- --api 2 --workers 2`: `oso up` runs a broker-api primary with two serving processes and two
 * release-workers, restarts the one that dies while the rest serve, and leaves nothing behind on SIGTERM.
 */
describe('npm start supervises (oso up --api 2 --workers 2)', () => {
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-up-supervised-'));
    chmodSync(workDir, 0o755);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs 2 API processes and 2 workers, restarts a killed worker (degraded, then ok) and a killed API primary, and SIGTERM leaves no process', async () => {
    const ports = { broker: await freePort(), ops: await freePort() };
    const up = new BuiltProcess(
      'cli',
      ['up', '--data-dir', join(workDir, 'data'), '--api', '2', '--workers', '2'],
      {
        PKI_DIR: join(workDir, 'pki'),
        DATABASE_URL: databaseUrlFor(`${process.env.TEST_DATABASE_NAME}_up_supervised`),
        REDIS_PREFIX: `${process.env.REDIS_PREFIX}-up-supervised`,
        PUPIL_KEY_SECRET: '',
        VAULT_KEKS: '',
        VAULT_ACTIVE_KEK: '',
        BROKER_PORT: String(ports.broker),
        OPS_PORT: String(ports.ops),
      },
    );
    const everyPid = new Set<number>();
    const opsHealth = async () =>
      (await (await fetch(`http://127.0.0.1:${ports.ops}/health`)).json()) as HealthBody;
    try {
      await up.waitForLine(/^Press Ctrl\+C to stop\.$/, 180_000);
      expect(up.stdout.join('\n')).toContain('Release workers:   2');

      const children = childrenOf(up.pid);
      const byApp = (app: string) => children.filter((pid) => appOf(pid) === app);
      const [api] = byApp('broker-api');
      const workers = byApp('release-worker');
      expect([byApp('broker-api').length, workers.length]).toEqual([1, 2]);
      const serving = childrenOf(api);
      expect(serving).toHaveLength(2);
      for (const pid of [...children, ...serving]) everyPid.add(pid);
      // Each worker's lines carry its number.
      expect(
        up.stdout.filter((line) => /^release-worker#[12]: connected to its queues/.test(line)),
      ).toHaveLength(2);

      const ok = await until(opsHealth, (health) => health.status === 'ok');
      expect(ok).toMatchObject({
        status: 'ok',
        releaseWorker: { status: 'alive', expected: 2, alive: 2 },
        apiProcesses: { configured: 2, serving: 2 },
      });

      const [victim] = workers;
      process.kill(victim, 'SIGKILL');
      // 1 s of backoff and a whole worker's start: the dropped Redis connection shows at once.
      const degraded = await until(opsHealth, (health) => health.releaseWorker.alive === 1);
      expect(degraded).toMatchObject({ status: 'degraded', releaseWorker: { expected: 2, alive: 1 } });
      // The API keeps serving meanwhile.
      const anonymous = await httpsJson(ports.broker, '/v1/whoami', {
        ca: readFileSync(join(workDir, 'pki', 'ca.crt')),
      });
      expect(anonymous).toMatchObject({ status: 401, body: { error: 'CLIENT_CERTIFICATE_MISSING' } });

      const again = await up.waitForLine(
        /^oso up: release-worker#[12] \(pid \d+\) serves again \(restart 1\)$/,
      );
      expect(up.stderr.join('\n')).toMatch(
        new RegExp(
          `^oso up: release-worker#[12] \\(pid ${victim}\\) exited with signal SIGKILL; restarting in 1 s$`,
          'm',
        ),
      );
      const restarted = Number(/pid (\d+)/.exec(again)![1]);
      everyPid.add(restarted);
      const back = await until(opsHealth, (health) => health.status === 'ok');
      expect(back).toMatchObject({ status: 'ok', releaseWorker: { expected: 2, alive: 2 } });
      expect(childrenOf(up.pid).sort()).toEqual(
        [api, ...workers.filter((pid) => pid !== victim), restarted].sort(),
      );
      expect(alive(victim)).toBe(false);

      // The API's primary killed: its serving processes follow it (no orphans), and oso up starts it again.
      process.kill(api, 'SIGKILL');
      const apiAgain = await up.waitForLine(/^oso up: broker-api \(pid \d+\) serves again \(restart 1\)$/);
      expect(up.stderr.join('\n')).toMatch(
        new RegExp(
          `^oso up: broker-api \\(pid ${api}\\) exited with signal SIGKILL; restarting in 1 s$`,
          'm',
        ),
      );
      const newApi = Number(/pid (\d+)/.exec(apiAgain)![1]);
      const newServing = childrenOf(newApi);
      for (const pid of [newApi, ...newServing]) everyPid.add(pid);
      expect(newServing).toHaveLength(2);
      // They stop on their own (the primary's IPC channel closed), finishing what they were doing first.
      expect(
        await until(
          async () => serving.filter(alive),
          (left) => left.length === 0,
        ),
      ).toEqual([]);
      const served = await until(opsHealth, (health) => health.status === 'ok');
      expect(served).toMatchObject({ status: 'ok', apiProcesses: { configured: 2, serving: 2 } });
    } finally {
      for (const pid of childrenOf(up.pid)) everyPid.add(pid);
      expect(await up.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(up.stdout).toEqual(
      expect.arrayContaining([
        'broker-api: stopped cleanly',
        'broker-api#1: stopped cleanly',
        'broker-api#2: stopped cleanly',
        'release-worker#1: stopped cleanly',
        'release-worker#2: stopped cleanly',
      ]),
    );
    // No orphan: every process oso up started (and the API's serving processes) is gone.
    expect([...everyPid].filter(alive)).toEqual([]);
    expect(everyPid.size).toBe(9);
  });

  it('refuses a count that is not a positive whole number, before starting anything', async () => {
    const up = new BuiltProcess('cli', ['up', '--workers', '0'], { PKI_DIR: join(workDir, 'refused-pki') });
    expect(await up.exited).toEqual({ code: 2, signal: null });
    expect(up.stderr.join('\n')).toContain('must be a positive whole number');
    expect(existsSync(join(workDir, 'refused-pki'))).toBe(false);
  });
});
