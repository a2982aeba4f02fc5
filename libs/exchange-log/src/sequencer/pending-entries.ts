import { EntityManager } from 'typeorm';
import { ENTRY_COLUMNS, ExchangeLogEntryRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';

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
}

/** Every transaction from `horizon` on (a stored horizon, or '0' for all): no snapshot's list known. */
export function unfinishedFrom(horizon: string): UnfinishedTransactions {
  return { fromTx: horizon, runningTxs: [] };
}

/** What a batch's first statement sees: whether it holds the lock, and which transactions had finished. */
export interface BatchSnapshot {
  locked: boolean;
  /** The snapshot's xmin: every transaction below it had finished (stored in checkpoints). */
  horizon: string;
  /** The snapshot's xmax and its list of running transactions: what the next batch looks at. */
  unfinished: UnfinishedTransactions;
}

/**
 * Takes the batch's lock and reads its statement's snapshot in one query. The snapshot is taken before the
 * entries are read (a later statement of the same transaction), so a transaction it saw finished is
 * visible to that read.
 */
export async function lockAndSnapshot(manager: EntityManager, lockKey: number): Promise<BatchSnapshot> {
  const [row]: Array<{ locked: boolean; horizon: string; next_tx: string; running: string[] }> =
    await manager.query(
      `SELECT pg_try_advisory_xact_lock($1) AS locked,
              pg_snapshot_xmin(s)::text AS horizon,
              pg_snapshot_xmax(s)::text AS next_tx,
              ARRAY(SELECT pg_snapshot_xip(s)::text) AS running
         FROM pg_current_snapshot() s`,
      [lockKey],
    );
  return {
    locked: row.locked,
    horizon: row.horizon,
    unfinished: { fromTx: row.next_tx, runningTxs: row.running },
  };
}

/**
 * An entry of an unfinished transaction without a leaf. Parameters $1 (`fromTx`) and $2 (`runningTxs`).
 * Both arms are ranges of the `written_by_tx` index: a transaction held open for long (which holds the
 * snapshot's xmin back) no longer makes every batch re-read and anti-join all entries written since it began.
 */
const PENDING_ENTRY = `(e.written_by_tx >= $1::xid8 OR e.written_by_tx = ANY ($2::xid8[]))
  AND NOT EXISTS (SELECT 1 FROM ${leaves} l WHERE l.entry_id = e.id)`;

/** Up to `limit` entries not yet integrated, in id order. */
export function readPendingEntries(
  manager: EntityManager,
  unfinished: UnfinishedTransactions,
  limit: number,
): Promise<ExchangeLogEntryRow[]> {
  return manager.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${entries} e WHERE ${PENDING_ENTRY} ORDER BY e.id LIMIT $3`,
    [unfinished.fromTx, unfinished.runningTxs, limit],
  );
}

/** One autocommit statement: the tree's size, and whether any entry is waiting (decides nothing by itself). */
export async function treeSizeAndPending(
  manager: EntityManager,
  unfinished: UnfinishedTransactions,
): Promise<{ treeSize: number; pending: boolean }> {
  const [{ size, pending }]: Array<{ size: string; pending: boolean }> = await manager.query(
    `SELECT (SELECT coalesce(max(leaf_index) + 1, 0) FROM ${leaves})::bigint AS size,
            EXISTS (SELECT 1 FROM ${entries} e WHERE ${PENDING_ENTRY}) AS pending`,
    [unfinished.fromTx, unfinished.runningTxs],
  );
  return { treeSize: Number(size), pending };
}
