import type { Writable } from 'node:stream';
import { EntityManager } from 'typeorm';
import type { AuditScope } from '../audit-queries/audit-scope';
import { canonicalEntry } from '../entry/canonical-entry';
import { consistencyProof, inclusionProof } from '../merkle';
import { PostgresSubtreeHashes } from '../sequencer/postgres-subtree-hashes';
import { StoredCheckpoint, latestCheckpoint } from '../sequencer/log-reads';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { GatheredSubtreeHashes } from '../audit-queries/gathered-subtree-hashes';
import { LOG_EXPORT_FORMAT_V2, PartialLogExportHeader, PartialLogExportLine } from './export-format';
import { EXPORT_PAGE_SIZE, NoCheckpointYetError, writeExportLine } from './write-log-export';

const { entries, leaves, treeNodes } = EXCHANGE_LOG_TABLES;

export interface PartialExportSelection {
  scope: AuditScope;
  from?: Date;
  to?: Date;
  /** An earlier tree size the reader holds a checkpoint of: the header carries the consistency proof. */
  previousSize?: number;
}

/**
 * Writes a partial export (v2, export-format.ts) under the latest checkpoint: the integrated entries in
 * `scope` and the time window, in leaf order, each with its inclusion proof, paged with bounded memory.
 * Throws NoCheckpointYetError before the log has a checkpoint, and RangeError for a `previousSize`
 * beyond it. Returns the checkpoint and the number of entries written.
 */
export async function writePartialLogExport(
  manager: EntityManager,
  out: Writable,
  selection: PartialExportSelection,
  { pageSize = EXPORT_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<{ checkpoint: StoredCheckpoint; written: number }> {
  const checkpoint = await latestCheckpoint(manager);
  if (checkpoint === null) throw new NoCheckpointYetError();
  const size = checkpoint.treeSize;
  const hashes = new PostgresSubtreeHashes(manager);
  const header: PartialLogExportHeader = {
    format: LOG_EXPORT_FORMAT_V2,
    origin: checkpoint.signedNote.slice(0, checkpoint.signedNote.indexOf('\n')),
    treeSize: size,
    checkpoint: checkpoint.signedNote,
    selection: {
      schools: selection.scope.kind === 'all' ? 'all' : [...selection.scope.schools],
      ...(selection.from ? { from: selection.from.toISOString() } : {}),
      ...(selection.to ? { to: selection.to.toISOString() } : {}),
    },
  };
  const previous = selection.previousSize;
  if (previous !== undefined) {
    if (!Number.isSafeInteger(previous) || previous < 0 || previous > size) {
      throw new RangeError(`the earlier tree size must be 0-${size}, the latest checkpoint's`);
    }
    const proof = previous === 0 || previous === size ? [] : await consistencyProof(previous, size, hashes);
    header.consistency = { fromSize: previous, proof: proof.map((hash) => hash.toString('base64')) };
  }
  await writeExportLine(out, JSON.stringify(header));
  const params: unknown[] = [size];
  const where = ['l.leaf_index < $1'];
  if (selection.scope.kind === 'schools') {
    params.push([...selection.scope.schools]);
    const p = `$${params.length}`;
    where.push(
      `(e.source_school = ANY(${p}) OR e.target_school = ANY(${p}) OR e.subject_school = ANY(${p}))`,
    );
  }
  if (selection.from) where.push(`e.at >= $${params.push(selection.from)}`);
  if (selection.to) where.push(`e.at < $${params.push(selection.to)}`);
  const afterParam = `$${params.push(-1)}`;
  const limitParam = `$${params.push(pageSize)}`;
  let written = 0;
  for (;;) {
    if (out.destroyed) break;
    const rows: Array<ExchangeLogEntryRow & { leaf_index: string; leaf_hash: Buffer | null }> =
      await manager.query(
        `SELECT l.leaf_index, n.hash AS leaf_hash, ${ENTRY_COLUMNS.split(',')
          .map((column) => `e.${column.trim()}`)
          .join(', ')}
           FROM ${leaves} l
           JOIN ${entries} e ON e.id = l.entry_id
           LEFT JOIN ${treeNodes} n ON n.level = 0 AND n.node_index = l.leaf_index
          WHERE ${where.join(' AND ')} AND l.leaf_index > ${afterParam}
          ORDER BY l.leaf_index LIMIT ${limitParam}`,
        params,
      );
    if (rows.length === 0) break;
    // The page's proofs together: their asks are gathered into one query (see GatheredSubtreeHashes).
    const gathered = new GatheredSubtreeHashes(hashes);
    const proofs = await Promise.all(
      rows.map((row) => inclusionProof(Number(row.leaf_index), size, gathered)),
    );
    const page = rows.map((row, position) => {
      const line: PartialLogExportLine = {
        leafIndex: Number(row.leaf_index),
        entry: canonicalEntry(entryFromRow(row)),
        leafHash: row.leaf_hash?.toString('base64') ?? '',
        inclusionProof: proofs[position].map((hash) => hash.toString('base64')),
      };
      return JSON.stringify(line);
    });
    await writeExportLine(out, page.join('\n'));
    written += rows.length;
    params[params.length - 2] = Number(rows[rows.length - 1].leaf_index);
  }
  return { checkpoint, written };
}
