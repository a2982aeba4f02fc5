/**
 * Runs a process's start-up and turns every failure into one line on stderr and exit code 1: an operator
 * reads what is wrong, not a stack trace. Set DEBUG_STARTUP=1 to see the stack anyway.
 */
export function runMain(processName: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${processName}: ${describeStartupError(error)}\n`);
    if (process.env.DEBUG_STARTUP === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}

export function describeStartupError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    const { address, port } = error as { address?: string; port?: number };
    return `port ${port} on ${address} is already in use; stop the other process or choose another port`;
  }
  if (code === 'EACCES' && (error as { syscall?: string }).syscall === 'listen') {
    return `not allowed to listen on port ${(error as { port?: number }).port}; choose a port above 1023`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * On SIGTERM or SIGINT: run `close` (finish in-flight work, disconnect), say so, exit 0. Nest's own
 * shutdown hooks re-raise the signal after closing, which makes a clean stop look like a crash.
 */
export function closeOnSignals(processName: string, close: () => Promise<void>, graceMs = 20_000): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${processName}: ${signal} received, finishing in-flight work\n`);
    setTimeout(() => {
      process.stderr.write(`${processName}: did not stop within ${graceMs / 1000}s; exiting anyway\n`);
      process.exit(1);
    }, graceMs).unref();
    close().then(
      () => {
        process.stdout.write(`${processName}: stopped cleanly\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`${processName}: failed to stop cleanly: ${describeStartupError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
