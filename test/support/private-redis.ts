import { pingRedis } from '@app/queues';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './built-process';

/** Generous: redis-server answers within milliseconds on a quiet machine. */
const START_GUARD_MS = 20_000;
const POLL_MS = 50;

/**
 * A redis-server of the test's own, on a free loopback port, with no persistence at all (`--save ""`,
 * `--appendonly no`) in a directory of its own: `restartEmpty()` kills it with SIGKILL and starts it again
 * on the same port, empty — a Redis restart that loses everything, which the shared Redis other tests use
 * must never see. Settings as the broker's deployment asks (`noeviction`: BullMQ's keys are never evicted).
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'oso-private-redis-'));
  /** How many times a redis-server was started (1 + restarts). */
  starts = 0;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL: every key is gone and every client's connection drops. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts it again on the same port, empty. */
  async startAgain(): Promise<void> {
    if (this.child) throw new Error('the private redis-server is still running; kill() it first');
    await this.launch();
  }

  async restartEmpty(): Promise<void> {
    await this.kill();
    await this.startAgain();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.starts += 1;
    const deadline = Date.now() + START_GUARD_MS;
    for (;;) {
      const answered = await pingRedis(this.url).then(
        () => true,
        () => false,
      );
      if (answered) return;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        this.child = undefined;
        throw new Error(`redis-server did not start on port ${this.port} (exit code ${child.exitCode})`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
