import { describeDelay, planRestart, RESTART_BACKOFF, RestartBackoff } from '@app/config';
import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

/** Longer than a broker process's own grace (closeOnSignals, 20 s): it says why it is late, then this forces. */
const FORCE_STOP_AFTER_MS = 25_000;

export interface SupervisedProcessOptions {
  /** How its lines are prefixed (`release-worker#2`); the part before `#` is the app's own prefix. */
  name: string;
  /** A node entry file (a built main.js), run with this node. */
  entry: string;
  args?: string[];
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** A stdout line saying it serves; without one, it counts as ready once spawned. */
  readyLine?: RegExp;
  backoff?: RestartBackoff;
  /** Where relayed output goes (already prefixed); process.stdout/stderr by default. */
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Where supervision lines go ("… exited …; restarting in 1 s"); stderr by default. */
  log?: (line: string) => void;
}

export interface SupervisedExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** true when stop() asked for it; false for a death (which is followed by a restart or 'startup-failed'). */
  expected: boolean;
}

/**
 * A node process kept running: spawned with its environment, its output relayed line by line with its
 * name, restarted with backoff (RESTART_BACKOFF) whenever it exits unasked. A first start that dies before
 * its ready line is not retried ('startup-failed'): that is a setting or a port, and it said why itself.
 *
 * Events: 'line' (line, 'stdout' | 'stderr') raw, 'ready' ({ pid, restarts }), 'exit' (SupervisedExit),
 * 'restart' ({ pid, delayMs, restarts }) when a restart is scheduled, 'startup-failed' (SupervisedExit).
 */
export class SupervisedProcess extends EventEmitter {
  private child: ChildProcess | null = null;
  private stopping = false;
  private everReady = false;
  private readyAt: number | null = null;
  private consecutive = 0;
  private restartCount = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed: Promise<void> = Promise.resolve();

  constructor(private readonly options: SupervisedProcessOptions) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  /** The running process's pid; undefined while it waits for a restart or after stop(). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** Restarts so far (not counting the first start). */
  get restarts(): number {
    return this.restartCount;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether the current process has printed its ready line (or has no ready line to print). */
  get ready(): boolean {
    return this.running && this.readyAt !== null;
  }

  start(): this {
    if (this.child || this.stopping) throw new Error(`${this.name} is already started`);
    this.spawnOnce();
    return this;
  }

  /** Sends a signal to the running process (a test's or a chaos loop's SIGKILL); supervision goes on. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child!.kill(signal);
  }

  /**
   * Resolves with the first raw stdout line matching `pattern` from now on; rejects on 'startup-failed',
   * or after `timeoutMs` when one is given.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray> {
    return new Promise((resolveLine, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.off('line', onLine);
        this.off('startup-failed', onFailed);
      };
      const onLine = (line: string, stream: string) => {
        const match = stream === 'stdout' ? pattern.exec(line) : null;
        if (!match) return;
        done();
        resolveLine(match);
      };
      const onFailed = () => {
        done();
        reject(new Error(`${this.name} stopped during start-up (see its message above)`));
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              done();
              reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs / 1000} s`));
            }, timeoutMs).unref();
      this.on('line', onLine);
      this.once('startup-failed', onFailed);
    });
  }

  /** SIGTERM (SIGKILL after a grace), no more restarts; resolves once its output is relayed in full. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && this.running) {
      const force = setTimeout(() => child.kill('SIGKILL'), FORCE_STOP_AFTER_MS);
      force.unref();
      child.kill(signal);
      await this.closed;
      clearTimeout(force);
    } else {
      await this.closed;
    }
  }

  private spawnOnce(): void {
    const { entry, args = [], env = {}, readyLine } = this.options;
    const child = spawn(process.execPath, [entry, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.child = child;
    this.readyAt = null;
    const pid = child.pid ?? 0;
    const relayStdout = this.options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
    const relayStderr = this.options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      relayStdout(this.prefix(line));
      this.emit('line', line, 'stdout');
      if (this.readyAt === null && readyLine?.test(line)) this.markReady(pid);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      relayStderr(this.prefix(line));
      this.emit('line', line, 'stderr');
    });
    if (!readyLine) setImmediate(() => this.markReady(pid));
    // 'close' rather than 'exit': its last output lines have been relayed by then.
    this.closed = new Promise((resolveClosed) =>
      child.once('close', (code, signal) => {
        this.onClose({ pid, code, signal, expected: this.stopping });
        resolveClosed();
      }),
    );
    child.once('error', (error) => (this.options.log ?? logToStderr)(`${this.name}: ${error.message}`));
  }

  private markReady(pid: number): void {
    if (this.child?.pid !== pid || !this.running) return;
    this.readyAt = Date.now();
    this.everReady = true;
    this.emit('ready', { pid, restarts: this.restartCount });
  }

  private onClose(exit: SupervisedExit): void {
    const ranForMs = this.readyAt === null ? 0 : Date.now() - this.readyAt;
    this.readyAt = null;
    this.emit('exit', exit);
    if (exit.expected) return;
    if (!this.everReady) {
      this.stopping = true;
      this.emit('startup-failed', exit);
      return;
    }
    const plan = planRestart(this.consecutive, ranForMs, this.options.backoff ?? RESTART_BACKOFF);
    this.consecutive = plan.consecutive;
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    (this.options.log ?? logToStderr)(
      `${this.name} (pid ${exit.pid}) exited with ${how}; restarting in ${describeDelay(plan.delayMs)}`,
    );
    this.emit('restart', { pid: exit.pid, delayMs: plan.delayMs, restarts: this.restartCount + 1 });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restartCount++;
      this.spawnOnce();
    }, plan.delayMs);
  }

  /** The app's own `release-worker:` becomes `release-worker#2:`; a line without a prefix gets the name. */
  private prefix(line: string): string {
    const app = this.name.split('#')[0];
    if (line.startsWith(`${this.name}:`)) return line;
    // A cluster primary's own processes (`broker-api#2:`) already say which they are.
    if (this.name === app && /^#\d+:/.test(line.slice(app.length)) && line.startsWith(app)) return line;
    if (line.startsWith(`${app}:`)) return `${this.name}:${line.slice(app.length + 1)}`;
    return `${this.name}: ${line}`;
  }
}

function logToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
