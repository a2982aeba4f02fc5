import type { Checkpoint, LogExportLine } from '@app/exchange-log';
import type { RecordedPurge } from '@app/transfers/retention/recorded-purges';
import { open } from 'node:fs/promises';
import { UsageError } from '../output';

/** What a verified export says about purges: every recorded destruction, and how far the log reaches. */
export interface ExportedPurges {
  purges: RecordedPurge[];
  /** The highest entry id in the export (0 for an empty log). */
  lastEntryId: bigint;
  /** The size of the signed checkpoint the export is taken under. */
  treeSize: number;
  /** That checkpoint: as signed (the header's note) and as read. */
  checkpoint: { signedNote: string; parsed: Checkpoint };
}

/** Why an export cannot be used; the command prints it and exits 1. */
export class UnusableExportError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnusableExportError';
  }
}

async function linesOf(file: string) {
  const handle = await open(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the export ${file}: ${error.code ?? error.message}`);
  });
  return { lines: handle.readLines(), close: () => handle.close() };
}

/**
 * Reads an export of the whole log (`oso audit export --database`, or an auditor's export of every
 * school) after verifying it offline (`verifyLogExport`: the checkpoint's signature by the log key, every
 * entry, the rebuilt tree). A partial (v2) export is refused: it may leave out purges. The file is read
 * twice, never held: the first pass verifies, the second collects.
 */
export async function readExportedPurges(file: string, verifierKey: string): Promise<ExportedPurges> {
  const { verifyLogExport } = await import('@app/exchange-log/export/verify-log-export');
  const { recordedPurgeOf } = await import('@app/transfers/retention/recorded-purges');
  const first = await linesOf(file);
  const verdict = await verifyLogExport(first.lines, { verifierKey }).finally(() => first.close());
  if (!verdict.ok) {
    const where = verdict.problem.line === undefined ? '' : ` (line ${verdict.problem.line})`;
    throw new UnusableExportError(`the export does not verify${where}: ${verdict.problem.reason}`);
  }
  if (verdict.partial)
    throw new UnusableExportError(
      'the export is partial (some schools or a time range) and may leave out purges; ' +
        'export the whole log: `oso audit export --database`',
    );
  const second = await linesOf(file);
  const purges: RecordedPurge[] = [];
  let lastEntryId = 0n;
  let signedNote = '';
  let header = true;
  try {
    for await (const text of second.lines) {
      if (header) {
        signedNote = (JSON.parse(text) as { checkpoint: string }).checkpoint;
        header = false;
        continue;
      }
      if (text.length === 0) continue;
      const { entry } = JSON.parse(text) as { entry: Record<string, unknown> };
      const id = BigInt(String(entry.id));
      if (id > lastEntryId) lastEntryId = id;
      const purge = recordedPurgeOf(entry);
      if (purge) purges.push(purge);
    }
  } finally {
    await second.close();
  }
  return {
    purges,
    lastEntryId,
    treeSize: verdict.checkpoint.size,
    checkpoint: { signedNote, parsed: verdict.checkpoint },
  };
}

/** The entry lines of an export `readExportedPurges` verified (read again, never held). */
export async function* exportedLogLines(file: string): AsyncGenerator<LogExportLine> {
  const { lines, close } = await linesOf(file);
  try {
    let header = true;
    for await (const text of lines) {
      if (!header && text.length > 0) yield JSON.parse(text) as LogExportLine;
      header = false;
    }
  } finally {
    await close();
  }
}
