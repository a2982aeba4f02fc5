import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { BuiltProcess, freePort } from '../support/built-process';
import { httpsJson } from '../support/https-client';
import { alive, childrenOf } from '../support/process-tree';
import { createSuiteDatabase } from '../support/suite-database';
import { TestPki } from '../support/test-pki';

/** Whether a process can listen on `port` (127.0.0.1) now: nobody else holds it. */
function canListenOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** BROKER_API_PROCESSES as a serving process sees it in its environment. */
function processesSetting(pid: number): string | undefined {
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  return environ.find((entry) => entry.startsWith('BROKER_API_PROCESSES='))?.split('=')[1];
}

interface HealthBody {
  status: string;
  apiProcesses?: { configured: number; serving: number };
}

/** Asks `check` until `done` holds for its answer (a generous deadline for a busy machine); the last answer. */
async function until<T>(check: () => Promise<T>, done: (answer: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await check();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The answer, or 'no answer' when none came within `ms` (the timer is cleared either way). */
async function answerWithin<T>(ms: number, answer: Promise<T>): Promise<T | 'no answer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'no answer'>((resolve) => {
    timer = setTimeout(() => resolve('no answer'), ms);
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('broker-api with several processes (BROKER_API_PROCESSES)', () => {
  let pki: TestPki;
  let env: Record<string, string>;

  beforeAll(async () => {
    pki = await TestPki.create(await createSuiteDatabase('broker_cluster_pki'));
    env = {
      PKI_DIR: pki.dir,
      DATABASE_URL: await createSuiteDatabase('broker_cluster', { migrate: false }),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-cluster`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
      BROKER_API_PROCESSES: '3',
    };
  });
  afterAll(() => pki?.close());

  /** The ops port's health report (any serving process answers it). */
  const opsHealth = async (): Promise<HealthBody> =>
    (await (await fetch(`http://127.0.0.1:${env.OPS_PORT}/health`)).json()) as HealthBody;

  it('serves from every process on one port, tells each the count, and stops them all on SIGTERM', async () => {
    const broker = new BuiltProcess('broker-api', [], env);
    try {
      await broker.waitForLine(/^broker-api: ready$/);
      // Migrated once, by the primary, before any serving process started.
      expect(broker.stdout.filter((line) => /applied migrations/.test(line))).toHaveLength(1);
      expect(broker.stdout).toContain(
        `broker-api: listening on https://127.0.0.1:${env.BROKER_PORT} (mutual TLS, 3 processes)`,
      );
      const serving = childrenOf(broker.pid);
      expect(serving).toHaveLength(3);
      expect(serving.map(processesSetting)).toEqual(['3', '3', '3']);
      for (let i = 0; i < 6; i++) {
        const anonymous = await httpsJson(Number(env.BROKER_PORT), '/v1/whoami', { ca: pki.caCertificate });
        expect(anonymous).toMatchObject({ status: 401, body: { error: 'CLIENT_CERTIFICATE_MISSING' } });
      }
      const health = await fetch(`http://127.0.0.1:${env.OPS_PORT}/health`);
      expect(await health.json()).toMatchObject({ database: { status: 'up' } });
    } finally {
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(broker.stdout.filter((line) => /^broker-api#\d: stopped cleanly$/.test(line))).toHaveLength(3);
    expect(broker.stdout).toContain('broker-api: stopped cleanly');
  });

  it('restarts a process killed with SIGKILL while the others serve; health is degraded meanwhile, then ok', async () => {
    const broker = new BuiltProcess('broker-api', [], env);
    // A release worker too, so nothing but the killed process can make the broker `degraded`.
    let worker: BuiltProcess | undefined;
    try {
      await broker.waitForLine(/^broker-api: ready$/);
      worker = new BuiltProcess('release-worker', [], env);
      const ok = await until(opsHealth, (health) => health.status === 'ok');
      expect(ok).toMatchObject({ status: 'ok', apiProcesses: { configured: 3, serving: 3 } });
      const [victim, ...others] = childrenOf(broker.pid);
      process.kill(victim, 'SIGKILL');

      // The restart waits 1 s and then boots a whole process: the primary has told the others by then.
      const degraded = await until(opsHealth, (health) => health.apiProcesses?.serving === 2);
      expect(degraded).toMatchObject({ status: 'degraded', apiProcesses: { configured: 3, serving: 2 } });
      // The other processes keep answering on the shared port meanwhile.
      for (let i = 0; i < 6; i++) {
        const anonymous = await httpsJson(Number(env.BROKER_PORT), '/v1/whoami', { ca: pki.caCertificate });
        expect(anonymous).toMatchObject({ status: 401, body: { error: 'CLIENT_CERTIFICATE_MISSING' } });
      }
      for (const pid of others) expect(() => process.kill(pid, 0)).not.toThrow();

      const said = await broker.waitForLine(/^broker-api: process #\d \(pid \d+\) serves again$/);
      expect(broker.stderr.join('\n')).toMatch(
        new RegExp(
          `^broker-api: process #\\d \\(pid ${victim}\\) exited with signal SIGKILL; restarting in 1 s$`,
          'm',
        ),
      );
      const restarted = Number(/pid (\d+)/.exec(said)![1]);
      const back = await until(opsHealth, (health) => health.status === 'ok');
      expect(back).toMatchObject({ status: 'ok', apiProcesses: { configured: 3, serving: 3 } });
      // Same count serving, the victim replaced by the restarted one, the others untouched.
      expect(childrenOf(broker.pid).sort()).toEqual([...others, restarted].sort());
      expect(() => process.kill(victim, 0)).toThrow();
      for (let i = 0; i < 6; i++) {
        const anonymous = await httpsJson(Number(env.BROKER_PORT), '/v1/whoami', { ca: pki.caCertificate });
        expect(anonymous.status).toBe(401);
      }
    } finally {
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      if (worker) expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(broker.stdout).toContain('broker-api: stopped cleanly');
  });

  it('answers connections that arrived while processes died before taking them (none is left hanging)', async () => {
    const broker = new BuiltProcess('broker-api', [], env);
    const stopped: number[] = [];
    try {
      await broker.waitForLine(/^broker-api: ready$/);
      const serving = childrenOf(broker.pid);
      expect(serving).toHaveLength(3);
      // Frozen, no process takes a connection: as a busy process that has not read one yet.
      for (const pid of serving) process.kill(pid, 'SIGSTOP');
      stopped.push(...serving);
      const requests = Array.from({ length: 3 }, () =>
        answerWithin(
          30_000,
          httpsJson(Number(env.BROKER_PORT), '/v1/whoami', { ca: pki.caCertificate }).catch(
            (error: NodeJS.ErrnoException) => `broken: ${error.code ?? error.message}`,
          ),
        ),
      );
      // Time for the connections to arrive (and, with round-robin, to be handed to the frozen processes).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const [survivor, ...victims] = serving;
      for (const pid of victims) process.kill(pid, 'SIGKILL');
      process.kill(survivor, 'SIGCONT');
      stopped.length = 0;
      // Each is answered by a living process; with node:cluster's round-robin, a connection handed to a
      // process that died before taking it stayed open in the primary, served by nobody (#14, the soak).
      const answers = await Promise.all(requests);
      expect(answers).toEqual(
        Array.from({ length: 3 }, () =>
          expect.objectContaining({
            status: 401,
            body: expect.objectContaining({ error: 'CLIENT_CERTIFICATE_MISSING' }),
          }),
        ),
      );
      await broker.waitForLine(/^broker-api: process #\d \(pid \d+\) serves again$/);
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('lets go of the ports at once when its primary is killed, so a restarted broker can take them', async () => {
    const broker = new BuiltProcess('broker-api', [], env);
    await broker.waitForLine(/^broker-api: ready$/);
    const serving = childrenOf(broker.pid);
    expect(serving).toHaveLength(3);
    process.kill(broker.pid, 'SIGKILL');
    const killedAt = Date.now();
    // The processes accept for themselves and so hold the listening sockets; orphaned, they close them
    // before finishing what they were doing (measured on a busy machine: free after about 0.5 s).
    const freedAfterMs = await until(
      async () => ((await canListenOn(Number(env.BROKER_PORT))) ? Date.now() - killedAt : null),
      (freed) => freed !== null,
      10_000,
    );
    expect(freedAfterMs).not.toBeNull();
    expect(await canListenOn(Number(env.OPS_PORT))).toBe(true);
    const gone = await until(
      async () => serving.filter((pid) => alive(pid)),
      (left) => left.length === 0,
    );
    expect(gone).toEqual([]);
  });

  it('still stops with one line when the first process cannot start (no restarts before it served)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const broker = new BuiltProcess('broker-api', [], { ...env, BROKER_PORT: String(port) });
      expect(await broker.exited).toEqual({ code: 1, signal: null });
      expect(broker.stderr.filter(Boolean)).toEqual([
        `broker-api: port ${port} on 127.0.0.1 is already in use; stop the other process or choose another port`,
      ]);
      expect(broker.output).not.toMatch(/restarting/);
    } finally {
      blocker.close();
    }
  });
});
