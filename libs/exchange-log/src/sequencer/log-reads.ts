import { EntityManager } from 'typeorm';
import { consistencyProof, inclusionProof } from '../merkle';
import { ExchangeLogEntry } from '../entry/exchange-log-entry';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { PostgresSubtreeHashes } from './postgres-subtree-hashes';

const { entries, leaves, checkpoints } = EXCHANGE_LOG_TABLES;

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  /** The C2SP signed note: checkpoint body, blank line, signature line(s). */
  signedNote: string;
  createdAt: Date;
}

export interface EntryInclusion {
  entryId: string;
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 inclusion proof of the leaf in the tree of `treeSize` leaves, bottom-up. */
  proof: Buffer[];
}

export type ExchangeLogReadProblem =
  'LOG_ENTRY_NOT_FOUND' | 'LOG_ENTRY_NOT_YET_INTEGRATED' | 'LOG_TREE_SIZE_OUT_OF_RANGE';

/** A read the log cannot answer; `code` is stable, the message says what to do. */
export class ExchangeLogReadError extends Error {
  constructor(
    readonly code: ExchangeLogReadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeLogReadError';
  }
}

export async function latestCheckpoint(manager: EntityManager): Promise<StoredCheckpoint | null> {
  const rows: Array<{ tree_size: string; root_hash: Buffer; signed_note: string; created_at: Date }> =
    await manager.query(
      `SELECT tree_size, root_hash, signed_note, created_at FROM ${checkpoints}
        ORDER BY tree_size DESC LIMIT 1`,
    );
  if (rows.length === 0) return null;
  const [row] = rows;
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    signedNote: row.signed_note,
    createdAt: row.created_at,
  };
}

/** A stored entry, as its leaf bytes are computed from it; null when there is none with that id. */
export async function readExchangeLogEntry(
  manager: EntityManager,
  entryId: string,
): Promise<ExchangeLogEntry | null> {
  const rows: ExchangeLogEntryRow[] = await manager.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${entries} WHERE id = $1`,
    [entryId],
  );
  return rows.length === 0 ? null : entryFromRow(rows[0]);
}

/**
 * The inclusion proof of an entry in the tree of `treeSize` leaves (default: the latest checkpoint's).
 * An entry is provable once the sequencer integrated it and a checkpoint covers it (about a second).
 */
export async function inclusionProofForEntry(
  manager: EntityManager,
  entryId: string,
  treeSize?: number,
): Promise<EntryInclusion> {
  const rows: Array<{ leaf_index: string | null }> = await manager.query(
    `SELECT l.leaf_index FROM ${entries} e LEFT JOIN ${leaves} l ON l.entry_id = e.id WHERE e.id = $1`,
    [entryId],
  );
  if (rows.length === 0) {
    throw new ExchangeLogReadError('LOG_ENTRY_NOT_FOUND', `The exchange log has no entry ${entryId}.`);
  }
  const checkpointed = (await latestCheckpoint(manager))?.treeSize ?? 0;
  const size = treeSize ?? checkpointed;
  const leafIndex = rows[0].leaf_index === null ? null : Number(rows[0].leaf_index);
  if (leafIndex === null || leafIndex >= size) {
    throw new ExchangeLogReadError(
      'LOG_ENTRY_NOT_YET_INTEGRATED',
      `Entry ${entryId} is not yet in a checkpointed tree of ${size} entries; ask again in a second.`,
    );
  }
  if (size > checkpointed) throw beyondCheckpoint(checkpointed, size);
  const proof = await inclusionProof(leafIndex, size, new PostgresSubtreeHashes(manager));
  return { entryId, leafIndex, treeSize: size, proof };
}

/** The RFC 9162 consistency proof from the tree of `fromSize` leaves to the tree of `toSize`. */
export async function consistencyProofBetween(
  manager: EntityManager,
  fromSize: number,
  toSize: number,
): Promise<Buffer[]> {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 1 || fromSize > toSize) {
    throw new ExchangeLogReadError(
      'LOG_TREE_SIZE_OUT_OF_RANGE',
      `A consistency proof needs 1 ≤ from ≤ to; got from ${fromSize}, to ${toSize}.`,
    );
  }
  const checkpointed = (await latestCheckpoint(manager))?.treeSize ?? 0;
  if (toSize > checkpointed) throw beyondCheckpoint(checkpointed, toSize);
  return consistencyProof(fromSize, toSize, new PostgresSubtreeHashes(manager));
}

/** Proofs are only given for trees a checkpoint has signed: a reader can check them against its root. */
function beyondCheckpoint(checkpointed: number, size: number): ExchangeLogReadError {
  return new ExchangeLogReadError(
    'LOG_TREE_SIZE_OUT_OF_RANGE',
    `The latest checkpoint covers ${checkpointed} entries; there is no proof for a tree of ${size}.`,
  );
}
