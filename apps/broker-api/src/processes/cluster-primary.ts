import cluster, { type Worker } from 'node:cluster';

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

/**
 * The primary of `BROKER_API_PROCESSES` serving processes sharing the port (node:cluster): it serves no
 * request itself. The first process starts alone, so a start-up failure (port taken, bad file) is said once,
 * by that process, in one line; the others start once it serves. BROKER_API_PROCESSES=<n> goes into every
 * process's environment, so pools sized per process can divide by it. SIGTERM/SIGINT stop them all; a
 * process that exits on its own is logged with its exit code and stops the broker with exit code 1:
 * restarting it is supervision's job (issue #14), and one process silently gone would halve capacity.
 */
export async function runClusterPrimary(name: string, processes: number): Promise<void> {
  const workers = new Set<Worker>();
  let stopping = false;

  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      for (const worker of workers) worker.process.kill('SIGKILL');
    }, FORCE_STOP_AFTER_MS);
    force.unref();
    let failed = exitCode !== 0;
    const exited = [...workers].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', (code) => {
            if (code !== 0) failed = true;
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

  const fork = (index: number): Promise<ServingMessage> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({
        BROKER_API_PROCESSES: String(processes),
        BROKER_API_PROCESS_INDEX: String(index),
      });
      workers.add(worker);
      let serving = false;
      worker.on('message', (message: unknown) => {
        if (!isServingMessage(message)) return;
        serving = true;
        resolve(message);
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        if (!serving) {
          // It said why on its own stderr; the broker does not start.
          reject(new StartupFailed(code ?? 1));
          return;
        }
        process.stderr.write(
          `${name}: process #${index} (pid ${worker.process.pid}) exited with ${signal ? `signal ${signal}` : `code ${code}`}; stopping every process (no restarts: issue #14)\n`,
        );
        stopAll(1);
      });
    });

  const onSignal = (signal: NodeJS.Signals) => {
    process.stdout.write(`${name}: ${signal} received, stopping ${workers.size} processes\n`);
    stopAll(0);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let first: ServingMessage;
  try {
    first = await fork(1);
    await Promise.all(Array.from({ length: processes - 1 }, (_, at) => fork(at + 2)));
  } catch (error) {
    if (!(error instanceof StartupFailed)) throw error;
    stopAll(error.exitCode);
    return;
  }
  process.stdout.write(`${name}: listening on ${first.url} (mutual TLS, ${processes} processes)\n`);
  if (first.opsUrl) process.stdout.write(`${name}: ops health on ${first.opsUrl}\n`);
  process.stdout.write(`${name}: ready\n`);
}

class StartupFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`a broker-api process stopped during start-up (exit code ${exitCode})`);
  }
}
