import { EntityManager } from 'typeorm';
import { ENTRY_COLUMNS, ExchangeLogEntryRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES, TREE_SIZE_SQL } from '../storage/exchange-log-tables';

const { entries, leaves } = EXCHANGE_LOG_TABLES;

/**
 * The transactions whose entries the sequencer must still look at: every transaction from `fromTx` on, and
 * the `runningTxs` below it that were still running at the last batch's snapshot. Every other transaction
 * had finished by then, so its committed entries are integrated and its rolled-back ones never will be.
 * Transaction ids as xid8 text (top-level ids: an entry records `pg_current_xact_id()`, never a subxact's).
 */
export interface UnfinishedTransactions {
  fromTx: string;
  runningTxs: string[];
  /**
   * No entry of these transactions has a leaf below this index: the tree's size read with the snapshot,
   * under the batch's lock. Every leaf below it was written by a batch that had committed, so had read,
   * before the snapshot: its entry's transaction had finished. The anti-join reads only the leaves since.
   */
  leavesFrom: number;
}

/**
 * Every transaction from a stored `horizon` on (or '0': all), against every leaf: what a sequencer that did
 * not take the snapshot itself (after a restart, or when another moved the tree on) knows.
 */
export function unfinishedFrom(horizon: string): UnfinishedTransactions {
  return { fromTx: horizon, runningTxs: [], leavesFrom: 0 };
}

/** A batch's snapshot: which transactions had finished when it was taken. */
export interface BatchSnapshot {
  /** The snapshot's xmin: every transaction below it had finished (stored in checkpoints). */
  horizon: string;
  /** The snapshot's xmax: every transaction from it on began after the snapshot. */
  nextTx: string;
  /** The snapshot's running transactions (below `nextTx`). */
  runningTxs: string[];
}

/** pg_advisory lock for this transaction, if no other holds it (never waits). */
export async function tryTransactionLock(manager: EntityManager, lockKey: number): Promise<boolean> {
  const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [lockKey]);
  return locked as boolean;
}

/**
 * The tree's size and the snapshot it was read in, in one statement. Taken under the batch's lock, so every
 * earlier batch had committed, and before the entries are read (a later statement), so a transaction the
 * snapshot saw finished is visible to that read.
 */
export async function treeSizeAndSnapshot(
  manager: EntityManager,
): Promise<{ treeSize: number; snapshot: BatchSnapshot }> {
  const [row]: Array<{ size: string; horizon: string; next_tx: string; running: string[] }> =
    await manager.query(
      `SELECT ${TREE_SIZE_SQL} AS size,
              pg_snapshot_xmin(s)::text AS horizon,
              pg_snapshot_xmax(s)::text AS next_tx,
              ARRAY(SELECT pg_snapshot_xip(s)::text) AS running
         FROM pg_current_snapshot() s`,
    );
  return {
    treeSize: Number(row.size),
    snapshot: { horizon: row.horizon, nextTx: row.next_tx, runningTxs: row.running },
  };
}

/**
 * An entry of an unfinished transaction without a leaf; parameters $1 to $3 (`unfinishedParameters`). Both
 * sides are short index ranges: the entries of the transactions not seen finished (a transaction held open
 * no longer makes every batch re-read all entries since it began), and the leaves added since the snapshot
 * (an anti-join against every leaf made PostgreSQL hash the whole leaf table at each batch). The upper bound
 * changes no answer (an entry of a transaction from the read's own xmax on is invisible to it) but makes
 * the first arm a closed range, which PostgreSQL estimates as narrow even without statistics (a new or
 * restored database, before ANALYZE): an open `>=` is guessed at a third of the table, and read by Seq Scan.
 */
const PENDING_ENTRY = `((e.written_by_tx >= $1::xid8
      AND e.written_by_tx < pg_snapshot_xmax(pg_current_snapshot()))
    OR e.written_by_tx = ANY ($2::xid8[]))
  AND NOT EXISTS (SELECT 1 FROM ${leaves} l WHERE l.entry_id = e.id AND l.leaf_index >= $3)`;

function unfinishedParameters(unfinished: UnfinishedTransactions): unknown[] {
  return [unfinished.fromTx, unfinished.runningTxs, unfinished.leavesFrom];
}

/** Up to `limit` entries not yet integrated, in id order. */
export function readPendingEntries(
  manager: EntityManager,
  unfinished: UnfinishedTransactions,
  limit: number,
): Promise<ExchangeLogEntryRow[]> {
  return manager.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${entries} e WHERE ${PENDING_ENTRY} ORDER BY e.id LIMIT $4`,
    [...unfinishedParameters(unfinished), limit],
  );
}

/** One autocommit statement: the tree's size, and whether an entry is waiting (it decides nothing itself). */
export async function treeSizeAndPending(
  manager: EntityManager,
  unfinished: UnfinishedTransactions,
): Promise<{ treeSize: number; pending: boolean }> {
  const [{ size, pending }]: Array<{ size: string; pending: boolean }> = await manager.query(
    `SELECT ${TREE_SIZE_SQL} AS size,
            EXISTS (SELECT 1 FROM ${entries} e WHERE ${PENDING_ENTRY}) AS pending`,
    unfinishedParameters(unfinished),
  );
  return { treeSize: Number(size), pending };
}
