import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export type BuiltApp = 'broker-api' | 'release-worker' | 'cli';

/**
 * A guard, not an assertion, for a test that starts whole stacks or validates hundreds of dossiers in
 * processes: on a busy two-core machine such a test takes several times its quiet duration (jest's
 * testTimeout is 60 s). A test that hangs still fails, with its output so far.
 */
export const SLOW_PROCESS_TEST_TIMEOUT_MS = 300_000;

/** The compiled entry point; `npm test` builds first (pretest), so these tests run what `npm start` runs. */
export function builtEntry(app: BuiltApp): string {
  const entry = join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!fs.existsSync(entry))
    throw new Error(`${entry} is missing: run \`npm run build\` (npm test does it first)`);
  return entry;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A built app running as its own process, with its output collected for assertions. */
export class BuiltProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<ExitResult>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(app: BuiltApp, args: string[], env: Record<string, string>, cwd = REPO_ROOT) {
    this.child = spawn(process.execPath, [builtEntry(app), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.collect(this.child.stdout!, this.stdout);
    this.collect(this.child.stderr!, this.stderr);
    this.exited = new Promise((resolveExit) =>
      this.child.once('close', (code, signal) => {
        this.notify();
        resolveExit({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get output(): string {
    return [...this.stdout, ...this.stderr].join('\n');
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the first stdout line matching `pattern`; rejects on exit or timeout with the output so far. */
  async waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.stdout.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`process ended before printing ${pattern}:\n${this.output}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.output}`);
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolveWait();
        });
      });
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  private collect(stream: NodeJS.ReadableStream, into: string[]): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      this.notify();
    });
    stream.on('end', () => {
      if (partial) into.push(partial);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Runs a built app to completion. */
export async function runBuilt(
  app: BuiltApp,
  args: string[],
  env: Record<string, string> = {},
): Promise<ExitResult & { stdout: string[]; stderr: string[] }> {
  const run = new BuiltProcess(app, args, env);
  const result = await run.exited;
  return { ...result, stdout: run.stdout.filter(Boolean), stderr: run.stderr.filter(Boolean) };
}

/** A TCP port nothing listens on right now (bound and released by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** TCP ports a process listens on, read from /proc (Linux), to prove a process opens no listener. */
export function listeningPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const row of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      const [, local, , state] = fields;
      if (state === '0A' && inodes.has(fields[9])) ports.push(parseInt(local.split(':')[1], 16));
    }
  }
  return ports;
}
