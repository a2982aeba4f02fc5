import type { EntityManager } from 'typeorm';
import type { TransferState } from '../transfer-lifecycle';

/**
 * For each restored transfer the log's re-inserted tail (entry ids in ($1, $2]) speaks of: its row's state,
 * the last state the tail records for it (every change of state is one entry: `state_changed` names the
 * state, receipt, withdrawal and expiry have their own types), when, and the version its last release in the
 * tail released. Transfers created after the backup have no row and are not found.
 */
const LAST_LOGGED_STATES = `
  WITH tail AS (
    SELECT e.id, e.at, e.transfer_id, e.version_hash, e.source_school, e.target_school,
           CASE e.event_type WHEN 'state_changed' THEN e.details->>'to' WHEN 'receipt_confirmed' THEN 'received'
                             WHEN 'withdrawn' THEN 'withdrawn' WHEN 'expired' THEN 'expired' END AS to_state
      FROM exchange_log_entries e
     WHERE e.id > $1 AND e.id <= $2 AND e.transfer_id IS NOT NULL
       AND e.event_type IN ('state_changed', 'receipt_confirmed', 'withdrawn', 'expired'))
  SELECT DISTINCT ON (t.id) t.id::text AS id, t.state AS row_state, tail.to_state AS log_state, tail.at AS log_at,
         tail.source_school, tail.target_school,
         (SELECT r.version_hash FROM tail r WHERE r.transfer_id = t.id AND r.to_state = 'released'
           ORDER BY r.id DESC LIMIT 1) AS released_hash
    FROM tail JOIN transfers t ON t.id = tail.transfer_id
   ORDER BY t.id, tail.id DESC`;

/**
 * Brings a row to the state its log recorded, only if it still holds the state it was read with. A release
 * the tail records points the row at the released version when the restored database holds it (same
 * content, same sending school); a `requested` state has no current version (a retraction or a refused
 * match took it away).
 */
const RELEASED_VERSION = `(SELECT dv.id FROM dossier_versions dv
   WHERE dv.canonical_sha256 = $5::text AND dv.source_school_id = t.source_school_id LIMIT 1)`;
const BRING_FORWARD = `
  UPDATE transfers t
     SET state = $3::text, updated_at = $4,
         current_version_id = CASE WHEN $3::text = 'requested' THEN NULL
                                   ELSE coalesce(${RELEASED_VERSION}, t.current_version_id) END,
         released_version_id = coalesce(${RELEASED_VERSION}, t.released_version_id)
   WHERE t.id = $1 AND t.state = $2`;

/** Holds a row: `blocked`, until a new instruction (new evidence or a new version) lets the gate look again. */
const HOLD = `UPDATE transfers SET state = 'blocked', updated_at = $3 WHERE id = $1 AND state = $2`;

/** The transfer's own history shows the step to both vendors: the event names why. */
const HISTORY = `
  INSERT INTO transfer_history (transfer_id, event, from_state, to_state, actor, actor_vendor_id, version_id, at)
  SELECT id, $2, $3, state, 'broker', NULL, current_version_id, $4 FROM transfers WHERE id = $1`;

export interface TransferAndItsLog {
  id: string;
  rowState: TransferState;
  /** The last state the re-inserted tail records for the transfer, and when. */
  logState: TransferState;
  logAt: Date;
  /** The schools as the log names them (BRIN + vestiging). */
  sourceSchool: string;
  targetSchool: string;
  /** The content hash of the version the tail's last release released, if it records one. */
  releasedHash: string | null;
}

/** The SQL of catching restored transfers up with their re-inserted log (`catchUpRestoredTransfers`). */
export class RestoredTransferRepository {
  constructor(private readonly manager: EntityManager) {}

  async withTheirLastLoggedState(restoredEnd: bigint, tailEnd: bigint): Promise<TransferAndItsLog[]> {
    const rows: Array<{
      id: string;
      row_state: TransferState;
      log_state: TransferState;
      log_at: Date;
      source_school: string;
      target_school: string;
      released_hash: string | null;
    }> = await this.manager.query(LAST_LOGGED_STATES, [restoredEnd.toString(), tailEnd.toString()]);
    return rows.map((row) => ({
      id: row.id,
      rowState: row.row_state,
      logState: row.log_state,
      logAt: new Date(row.log_at),
      sourceSchool: row.source_school,
      targetSchool: row.target_school,
      releasedHash: row.released_hash,
    }));
  }

  /** Answers whether the row was still in `from` and moved. */
  async bringForward(transfer: TransferAndItsLog, historyEvent: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(BRING_FORWARD, [
      transfer.id,
      transfer.rowState,
      transfer.logState,
      transfer.logAt,
      transfer.releasedHash,
    ]);
    if (affected === 1) await this.recordInHistory(transfer, historyEvent, transfer.logAt);
    return affected === 1;
  }

  async hold(transfer: TransferAndItsLog, historyEvent: string, at: Date): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(HOLD, [
      transfer.id,
      transfer.rowState,
      at,
    ]);
    if (affected === 1) await this.recordInHistory(transfer, historyEvent, at);
    return affected === 1;
  }

  private async recordInHistory(transfer: TransferAndItsLog, event: string, at: Date): Promise<void> {
    await this.manager.query(HISTORY, [transfer.id, event, transfer.rowState, at]);
  }
}
