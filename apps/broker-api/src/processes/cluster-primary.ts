import { describeDelay, planRestart } from '@app/config';
import cluster, { type Worker } from 'node:cluster';
import { ServingProcessesMessage } from './serving-processes';

/** What a serving process tells the primary once it listens. */
export interface ServingMessage {
  type: 'broker-api:serving';
  url: string;
  opsUrl: string | null;
}

export function isServingMessage(message: unknown): message is ServingMessage {
  return (message as ServingMessage | null)?.type === 'broker-api:serving';
}

/** Longer than a serving process's own grace (closeOnSignals): it says why it is late, then this forces. */
const FORCE_STOP_AFTER_MS = 25_000;

/** One configured process: its slot number (#1…#n) survives restarts, its Worker does not. */
interface Slot {
  index: number;
  worker: Worker | null;
  servingSince: number | null;
  /** Quick deaths in a row (planRestart), so a process that keeps dying is restarted ever more slowly. */
  consecutive: number;
  restartTimer: NodeJS.Timeout | null;
}

/**
 * The primary of `BROKER_API_PROCESSES` serving processes sharing the port (node:cluster): it serves no
 * request itself. The first process starts alone, so a start-up failure (port taken, bad file) is said once,
 * by that process, in one line, and stops the broker; the others start once it serves. BROKER_API_PROCESSES
 * goes into every process's environment, so pools sized per process can divide by it.
 *
 * Once the broker serves, a process that dies is restarted with the shared backoff (RESTART_BACKOFF: 1 s
 * doubling to 30 s, reset after a stable minute) while the others keep serving; every process is told how
 * many serve (IPC), so /health says `degraded` meanwhile. SIGTERM/SIGINT stop them all.
 */
export async function runClusterPrimary(name: string, processes: number): Promise<void> {
  // The processes accept from the shared socket themselves. With node:cluster's round-robin the primary
  // accepts and hands each connection over, and closes its copy only once the process says it took it: a
  // process killed before that leaves the connection open in the primary, served by nobody, and the
  // vendor waits forever (the soak found it). Here a connection waits in the kernel's queue until a
  // living process takes it, and one taken dies with its process (the vendor sees it break and retries).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const slots: Slot[] = Array.from({ length: processes }, (_, at) => ({
    index: at + 1,
    worker: null,
    servingSince: null,
    consecutive: 0,
    restartTimer: null,
  }));
  let started = false;
  let stopping = false;

  const living = () => slots.flatMap((slot) => (slot.worker && !slot.worker.isDead() ? [slot.worker] : []));

  /** Every living process learns how many serve, so each one's health check can say `degraded`. */
  const tellServing = () => {
    const message: ServingProcessesMessage = {
      type: 'broker-api:serving-processes',
      configured: processes,
      serving: slots.filter((slot) => slot.servingSince !== null).length,
    };
    for (const worker of living()) if (worker.isConnected()) worker.send(message, () => undefined);
  };

  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    for (const slot of slots) if (slot.restartTimer) clearTimeout(slot.restartTimer);
    const workers = living();
    // A process still starting after a restart has no SIGTERM handler yet: ending by that signal is clean.
    const starting = new Set(slots.filter((slot) => slot.servingSince === null).map((slot) => slot.worker));
    const force = setTimeout(() => {
      for (const worker of workers) worker.process.kill('SIGKILL');
    }, FORCE_STOP_AFTER_MS);
    force.unref();
    let failed = exitCode !== 0;
    const exited = workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', (code, signal) => {
            if (code !== 0 && !(signal === 'SIGTERM' && starting.has(worker))) failed = true;
            resolve();
          });
          worker.process.kill('SIGTERM');
        }),
    );
    void Promise.all(exited).then(() => {
      if (!failed) process.stdout.write(`${name}: stopped cleanly\n`);
      process.exit(failed ? 1 : 0);
    });
  };

  const restartLater = (slot: Slot, pid: number | undefined, how: string) => {
    const ranForMs = slot.servingSince === null ? 0 : Date.now() - slot.servingSince;
    slot.servingSince = null;
    const plan = planRestart(slot.consecutive, ranForMs);
    slot.consecutive = plan.consecutive;
    process.stderr.write(
      `${name}: process #${slot.index} (pid ${pid}) exited with ${how}; restarting in ${describeDelay(plan.delayMs)}\n`,
    );
    tellServing();
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!stopping) void fork(slot).catch(() => undefined);
    }, plan.delayMs);
  };

  const fork = (slot: Slot): Promise<ServingMessage> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({
        BROKER_API_PROCESSES: String(processes),
        BROKER_API_PROCESS_INDEX: String(slot.index),
      });
      const restart = started;
      slot.worker = worker;
      worker.on('message', (message: unknown) => {
        if (!isServingMessage(message)) return;
        slot.servingSince = Date.now();
        if (restart)
          process.stdout.write(`${name}: process #${slot.index} (pid ${worker.process.pid}) serves again\n`);
        tellServing();
        resolve(message);
      });
      worker.once('exit', (code, signal) => {
        if (slot.worker === worker) slot.worker = null;
        if (stopping) return;
        if (!started && slot.servingSince === null) {
          // It said why on its own stderr; the broker does not start.
          reject(new StartupFailed(code ?? 1));
          return;
        }
        restartLater(slot, worker.process.pid, signal ? `signal ${signal}` : `code ${code}`);
      });
    });

  const onSignal = (signal: NodeJS.Signals) => {
    process.stdout.write(`${name}: ${signal} received, stopping ${living().length} processes\n`);
    stopAll(0);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let first: ServingMessage;
  try {
    first = await fork(slots[0]);
    await Promise.all(slots.slice(1).map(fork));
  } catch (error) {
    if (!(error instanceof StartupFailed)) throw error;
    stopAll(error.exitCode);
    return;
  }
  started = true;
  process.stdout.write(`${name}: listening on ${first.url} (mutual TLS, ${processes} processes)\n`);
  if (first.opsUrl) process.stdout.write(`${name}: ops health on ${first.opsUrl}\n`);
  process.stdout.write(`${name}: ready\n`);
}

class StartupFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`a broker-api process stopped during start-up (exit code ${exitCode})`);
  }
}
