import { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import type { ExchangeLogEntry } from '../entry/exchange-log-entry';
import { entryFromExport } from '../export/export-entry';
import type { LogExportLine } from '../export/export-format';
import { CompletedSubtree, MerkleFrontier, leafHash } from '../merkle';
import { SEQUENCER_LOCK_KEY } from '../sequencer/log-sequencer';
import { PostgresSubtreeHashes } from '../sequencer/postgres-subtree-hashes';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from './append-exchange-event';
import { EXCHANGE_LOG_TABLES, TREE_SIZE_SQL } from './exchange-log-tables';

const { entries, leaves, treeNodes, checkpoints } = EXCHANGE_LOG_TABLES;

/** Export lines compared or inserted per round trip. */
const LINES_PER_BATCH = 500;

/** The restored log and the export disagree where both have entries: they are not the same log. */
export class LogTailMismatchError extends Error {
  constructor(
    readonly leafIndex: number,
    reason: string,
  ) {
    super(`the restored log and the export differ at leaf ${leafIndex}: ${reason}`);
    this.name = 'LogTailMismatchError';
  }
}

export interface RestoredLogTail<T = undefined> {
  /** What `afterTail` answered, in the same transaction. */
  followUp: T;
  /** Leaves the restored log had before. */
  restoredSize: number;
  /** Leaves it has now: the export's checkpoint size when the export was longer. */
  treeSize: number;
  /** Entries inserted from the export (entries the restored log held without a leaf are not counted). */
  insertedEntries: number;
}

/**
 * After a restore from a backup the log ends at the backup; a verified export of the whole log (which the
 * caller has checked against its signed checkpoint with `verifyLogExport`) holds what came after. This puts
 * that tail back as it was — entry rows with the same ids and columns (so the same leaf bytes), leaves at
 * the same indexes, the tree's subtree hashes, and the export's signed checkpoint itself, never a re-signed
 * one — so a checkpoint any client holds stays consistent with the log. Where the restored log and the
 * export overlap they must be the same entries at the same leaves, or nothing is written. One transaction
 * under the sequencer's lock; run as the schema owner (it writes ids itself and advances the sequence).
 * Idempotent: a second run finds the overlap complete and writes nothing.
 *
 * `afterTail` runs last in the same transaction, still as the schema owner: what the caller derives from
 * the tail (catching restored rows up with it) commits with the tail or not at all, and the entries it
 * appends come after the re-inserted ones.
 */
export async function restoreLogTail<T = undefined>(
  dataSource: DataSource,
  exportLines: AsyncIterable<LogExportLine>,
  checkpoint: { signedNote: string; parsed: Checkpoint },
  afterTail?: (manager: EntityManager) => Promise<T>,
): Promise<RestoredLogTail<T>> {
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK_KEY]);
    const [{ size }] = await manager.query(`SELECT ${TREE_SIZE_SQL} AS size`);
    const restoredSize = Number(size);
    const frontier = await MerkleFrontier.of(restoredSize, new PostgresSubtreeHashes(manager));
    let insertedEntries = 0;
    let batch: LogExportLine[] = [];
    const flush = async () => {
      const overlap = batch.filter((line) => line.leafIndex < restoredSize);
      const tail = batch.filter((line) => line.leafIndex >= restoredSize);
      await compareOverlap(manager, overlap);
      insertedEntries += await appendTail(manager, frontier, tail);
      batch = [];
    };
    for await (const line of exportLines) {
      batch.push(line);
      if (batch.length >= LINES_PER_BATCH) await flush();
    }
    await flush();
    if (frontier.size > restoredSize) {
      const { parsed, signedNote } = checkpoint;
      if (frontier.size !== parsed.size || !frontier.root().equals(parsed.rootHash)) {
        throw new LogTailMismatchError(
          frontier.size - 1,
          `the rebuilt tree of ${frontier.size} leaves does not have the export checkpoint's root`,
        );
      }
      // The export's own signed checkpoint is the evidence. Its horizon is the restored log's: every entry
      // the restored log holds without a leaf still comes after it (the sequencer integrates those next).
      await manager.query(
        `INSERT INTO ${checkpoints} (tree_size, root_hash, signed_note, integrated_below_tx)
         SELECT $1, $2, $3, coalesce((SELECT integrated_below_tx FROM ${checkpoints}
                                       ORDER BY tree_size DESC LIMIT 1), '0'::xid8)`,
        [parsed.size, parsed.rootHash, signedNote],
      );
      // New entries continue after the re-inserted ids, never reuse one.
      await manager.query(
        `SELECT setval(s.seq, greatest((SELECT max(id) FROM ${entries}), coalesce(pg_sequence_last_value(s.seq), 0)))
           FROM (SELECT pg_get_serial_sequence('${entries}', 'id')::regclass AS seq) s`,
      );
    }
    const followUp = (afterTail ? await afterTail(manager) : undefined) as T;
    return { restoredSize, treeSize: frontier.size, insertedEntries, followUp };
  });
}

function exportedLeaf(line: LogExportLine): { entry: ExchangeLogEntry; hash: Buffer } {
  const entry = entryFromExport(line.entry);
  return { entry, hash: leafHash(canonicalEntryBytes(entry)) };
}

/** Every exported leaf the restored log also has must be the same entry (id and leaf bytes). */
async function compareOverlap(manager: EntityManager, lines: LogExportLine[]): Promise<void> {
  if (lines.length === 0) return;
  const rows: Array<ExchangeLogEntryRow & { leaf_index: string }> = await manager.query(
    `SELECT l.leaf_index, ${ENTRY_COLUMNS.split(', ')
      .map((column) => `e.${column}`)
      .join(', ')}
       FROM ${leaves} l JOIN ${entries} e ON e.id = l.entry_id WHERE l.leaf_index = ANY($1::bigint[])`,
    [lines.map((line) => line.leafIndex)],
  );
  const stored = new Map(rows.map((row) => [Number(row.leaf_index), row]));
  for (const line of lines) {
    const row = stored.get(line.leafIndex);
    const { entry, hash } = exportedLeaf(line);
    if (row === undefined)
      throw new LogTailMismatchError(line.leafIndex, 'the restored log has no such leaf');
    if (String(row.id) !== entry.id || !storedLeafHash(row).equals(hash)) {
      throw new LogTailMismatchError(
        line.leafIndex,
        `the entries differ (restored ${row.id}, exported ${entry.id})`,
      );
    }
  }
}

/**
 * Inserts the exported entries the restored log lacks (an entry it holds without a leaf must be the same
 * entry), reads them back and appends their leaves, as the sequencer would, from the stored rows: what is
 * integrated is what the table holds, byte for byte. Returns how many entries were inserted.
 */
async function appendTail(
  manager: EntityManager,
  frontier: MerkleFrontier,
  lines: LogExportLine[],
): Promise<number> {
  if (lines.length === 0) return 0;
  const exported = lines.map(exportedLeaf);
  const ids = exported.map(({ entry }) => entry.id);
  const present: Array<{ id: string }> = await manager.query(
    `SELECT id::text FROM ${entries} WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  const presentIds = new Set(present.map((row) => row.id));
  const missing = exported.filter(({ entry }) => !presentIds.has(entry.id)).map(({ entry }) => entry);
  if (missing.length > 0) await insertEntries(manager, missing);
  const rows: ExchangeLogEntryRow[] = await manager.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${entries} WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  const nodes: CompletedSubtree[] = [];
  lines.forEach((line, offset) => {
    if (line.leafIndex !== frontier.size) {
      throw new LogTailMismatchError(line.leafIndex, `expected leaf ${frontier.size} next`);
    }
    const row = byId.get(ids[offset]);
    if (row === undefined || !storedLeafHash(row).equals(exported[offset].hash)) {
      throw new LogTailMismatchError(
        line.leafIndex,
        `the restored log holds entry ${ids[offset]} with other content than the export`,
      );
    }
    nodes.push(...frontier.append(exported[offset].hash));
  });
  await manager.query(
    `INSERT INTO ${leaves} (leaf_index, entry_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
    [lines.map((line) => line.leafIndex), ids],
  );
  await manager.query(
    `INSERT INTO ${treeNodes} (level, node_index, hash)
     SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
    [nodes.map((node) => node.level), nodes.map((node) => node.index), nodes.map((node) => node.hash)],
  );
  return missing.length;
}

function storedLeafHash(row: ExchangeLogEntryRow): Buffer {
  return leafHash(canonicalEntryBytes(entryFromRow(row)));
}

/** The entries with their own ids (OVERRIDING SYSTEM VALUE: the id column is an identity). */
async function insertEntries(manager: EntityManager, rows: ExchangeLogEntry[]): Promise<void> {
  await manager.query(
    `INSERT INTO ${entries} (id, at, event_type, actor_kind, actor_id, actor_certificate_fingerprint,
                             source_school, target_school, subject_school, transfer_id, version_hash, details)
     OVERRIDING SYSTEM VALUE
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[],
                          $6::char(64)[], $7::char(6)[], $8::char(6)[], $9::char(6)[], $10::uuid[],
                          $11::char(64)[], $12::jsonb[])`,
    [
      rows.map((entry) => entry.id),
      rows.map((entry) => entry.at),
      rows.map((entry) => entry.type),
      rows.map((entry) => entry.actor.kind),
      rows.map((entry) => entry.actor.id),
      rows.map((entry) => entry.actor.certificateFingerprint ?? null),
      rows.map((entry) => entry.schools.source ?? null),
      rows.map((entry) => entry.schools.target ?? null),
      rows.map((entry) => entry.schools.subject ?? null),
      rows.map((entry) => entry.transferId ?? null),
      rows.map((entry) => entry.versionHash ?? null),
      rows.map((entry) => JSON.stringify(entry.details)),
    ],
  );
}
