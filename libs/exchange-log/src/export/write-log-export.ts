import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { EntityManager } from 'typeorm';
import { canonicalEntry } from '../entry/canonical-entry';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { StoredCheckpoint, latestCheckpoint } from '../sequencer/log-reads';
import { LOG_EXPORT_FORMAT, LogExportHeader, LogExportLine } from './export-format';

const { entries, leaves, treeNodes } = EXCHANGE_LOG_TABLES;

/** Leaves read per query: memory stays bounded whatever the log's size. */
export const EXPORT_PAGE_SIZE = 1_000;

export class NoCheckpointYetError extends Error {
  constructor() {
    super(
      'The exchange log has no checkpoint yet: the sequencer signs one within a second of the first entry.',
    );
    this.name = 'NoCheckpointYetError';
  }
}

/**
 * Writes the export of the whole log under its latest checkpoint to `out` (JSON Lines, see
 * export-format.ts), reading in pages and honouring back-pressure. The leaves below a checkpoint's size
 * never change, so no snapshot is needed. What the database holds is written as it is: a leaf whose entry
 * row is gone is left out, and the verifier names the gap. Returns the checkpoint.
 */
export async function writeLogExport(
  manager: EntityManager,
  out: Writable,
  { pageSize = EXPORT_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<StoredCheckpoint> {
  const checkpoint = await latestCheckpoint(manager);
  if (checkpoint === null) throw new NoCheckpointYetError();
  const origin = checkpoint.signedNote.slice(0, checkpoint.signedNote.indexOf('\n'));
  const header: LogExportHeader = {
    format: LOG_EXPORT_FORMAT,
    origin,
    from: 0,
    to: checkpoint.treeSize,
    checkpoint: checkpoint.signedNote,
  };
  await writeExportLine(out, JSON.stringify(header));
  for (let from = 0; from < checkpoint.treeSize && !out.destroyed; from += pageSize) {
    const to = Math.min(from + pageSize, checkpoint.treeSize);
    const rows: Array<ExchangeLogEntryRow & { leaf_index: string; leaf_hash: Buffer | null }> =
      await manager.query(
        `SELECT l.leaf_index, n.hash AS leaf_hash, ${qualified('e', ENTRY_COLUMNS)}
           FROM ${leaves} l
           JOIN ${entries} e ON e.id = l.entry_id
           LEFT JOIN ${treeNodes} n ON n.level = 0 AND n.node_index = l.leaf_index
          WHERE l.leaf_index >= $1 AND l.leaf_index < $2
          ORDER BY l.leaf_index`,
        [from, to],
      );
    const page = rows.map((row) => {
      const line: LogExportLine = {
        leafIndex: Number(row.leaf_index),
        entry: canonicalEntry(entryFromRow(row)),
        leafHash: row.leaf_hash?.toString('base64') ?? '',
      };
      return JSON.stringify(line);
    });
    if (page.length > 0) await writeExportLine(out, page.join('\n'));
  }
  return checkpoint;
}

function qualified(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

/** Honours back-pressure; a reader that stopped early (a verifier at its first problem) closes `out`. */
export async function writeExportLine(out: Writable, text: string): Promise<void> {
  if (out.destroyed) return;
  if (!out.write(`${text}\n`)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
}
