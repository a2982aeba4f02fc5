/** Prints a plain table: one header row, aligned columns, no colours (it must read well in CI logs). */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (cell ?? '').padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A command line that makes no sense (exit code 2), found after commander's own parsing. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Ends a command with this exit code after it has printed its answer (e.g. `oso validate`: 1 when a
 * dossier is invalid; `oso demo`: 3 when it stopped before the release). Not an error to report.
 */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CommandExit';
  }
}
