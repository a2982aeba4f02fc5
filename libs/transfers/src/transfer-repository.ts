import { EntityManager, EntityNotFoundError, In, IsNull, LessThan } from 'typeorm';
import { plainRows } from './plain-rows';
import { OPEN_STATES, TRANSFER_TRANSITIONS, TransferState } from './transfer-lifecycle';
import type { TransferHistoryEntity } from './transfer-history.entity';
import { TransferEntity } from './transfer.entity';

/** A row of a transfer's history as a step writes it: the transfer is the one written with it. */
export type TransferStepRow = Omit<TransferHistoryEntity, 'id' | 'transferId'>;

/**
 * The history row of the transfer `$1`, from parameters $13–$19 (see `historyColumns`). The WITH
 * statement before it names no output: it runs whether or not it is read, so a missing transfer fails on
 * the history's foreign key, as two statements did.
 */
const STEP_HISTORY_ROW = `INSERT INTO transfer_history
         (transfer_id, event, from_state, to_state, actor, actor_vendor_id, version_id, at)
       VALUES ($1, $13, $14, $15, $16, $17, $18, $19)`;

/** $1–$12: every column of `transfers`, in the order the statements above name them. */
function transferColumns(transfer: TransferEntity): unknown[] {
  return [
    transfer.id,
    transfer.targetSchoolId,
    transfer.sourceSchoolId,
    transfer.pupilKeyHash,
    transfer.reason,
    transfer.state,
    transfer.currentVersionId,
    transfer.releasedVersionId,
    transfer.requestedByVendorId,
    transfer.createdAt,
    transfer.updatedAt,
    transfer.expiresAt,
  ];
}

/** $13–$19: the history row's own columns. */
function historyColumns(row: TransferStepRow): unknown[] {
  return [row.event, row.fromState, row.toState, row.actor, row.actorVendorId, row.versionId, row.at];
}

/** Where a page of a vendor's transfers continues: after this (created_at, id), newest first. */
export interface TransferPageQuery {
  schoolColumn: 'target_school_id' | 'source_school_id';
  schoolIds: string[];
  /** Only transfers in one of these states (none: any state). */
  states?: readonly TransferState[];
  after?: { at: Date; id: string };
  /** Rows to read: one more than the page shows tells whether there is a next page. */
  take: number;
}

/**
 * The SQL of the `transfers` table. Works on whatever `manager` it is given: the data source's for a
 * read, a transaction's to lock and change. State is written by `changeTransferState` only.
 */
export class TransferRepository {
  constructor(private readonly manager: EntityManager) {}

  private get rows() {
    return this.manager.getRepository(TransferEntity);
  }

  private get plain() {
    return plainRows(this.manager, TransferEntity, 't');
  }

  async byId(id: string): Promise<TransferEntity | null> {
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${this.plain.select} FROM transfers t WHERE t.id = $1`,
      [id],
    );
    return rows.length === 0 ? null : this.plain.map(rows[0]);
  }

  /** The transfer, locked until the transaction ends, so a step on it cannot race another. */
  async lockById(id: string): Promise<TransferEntity> {
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${this.plain.select} FROM transfers t WHERE t.id = $1 FOR UPDATE`,
      [id],
    );
    if (rows.length === 0) throw new EntityNotFoundError(TransferEntity, { id });
    return this.plain.map(rows[0]);
  }

  /** The open request between these two schools for this pupil, if there is one (at most one: uq_transfers_open). */
  async openBetween(
    targetSchoolId: string,
    sourceSchoolId: string,
    pupilKeyHash: string,
  ): Promise<TransferEntity | null> {
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${this.plain.select} FROM transfers t
       WHERE t.target_school_id = $1 AND t.source_school_id = $2 AND t.pupil_key_hash = $3
         AND t.state = ANY($4::varchar[])
       LIMIT 1`,
      [targetSchoolId, sourceSchoolId, pupilKeyHash, OPEN_STATES],
    );
    return rows.length === 0 ? null : this.plain.map(rows[0]);
  }

  /** The open requests for a pupil at a sending school, newest first. */
  openInLine(sourceSchoolId: string, pupilKeyHash: string): Promise<TransferEntity[]> {
    return this.openRowsInLine(sourceSchoolId, pupilKeyHash, 'ORDER BY t.created_at DESC');
  }

  /** The same, locked: a withdrawal or receipt racing with a new version waits, or wins and drops out. */
  lockOpenInLine(sourceSchoolId: string, pupilKeyHash: string): Promise<TransferEntity[]> {
    return this.openRowsInLine(sourceSchoolId, pupilKeyHash, 'FOR UPDATE');
  }

  private async openRowsInLine(
    sourceSchoolId: string,
    pupilKeyHash: string,
    tail: 'ORDER BY t.created_at DESC' | 'FOR UPDATE',
  ): Promise<TransferEntity[]> {
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${this.plain.select} FROM transfers t
       WHERE t.source_school_id = $1 AND t.pupil_key_hash = $2 AND t.state = ANY($3::varchar[]) ${tail}`,
      [sourceSchoolId, pupilKeyHash, OPEN_STATES],
    );
    return rows.map((row) => this.plain.map(row));
  }

  /**
   * Up to `limit` requests past their deadline that may still expire, locked; rows another process holds
   * are skipped, so several sweeps never take the same one.
   */
  lockOverdue(now: Date, limit: number): Promise<TransferEntity[]> {
    return this.rows.find({
      // A corrected version waiting after a release never expires the released transfer (#11).
      where: {
        expiresAt: LessThan(now),
        state: In([...TRANSFER_TRANSITIONS.expire.from]),
        releasedVersionId: IsNull(),
      },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  /** How many transfers released one of these versions (a released version can be recalled, not retracted). */
  countReleasing(versionIds: string[]): Promise<number> {
    if (versionIds.length === 0) return Promise.resolve(0);
    return this.rows.countBy({ releasedVersionId: In(versionIds) });
  }

  /**
   * A new transfer and the first row of its history, in one statement (one round trip; the history's
   * foreign key is checked at the statement's end, when the transfer is there).
   */
  async insertWithHistory(transfer: TransferEntity, first: TransferStepRow): Promise<TransferEntity> {
    await this.manager.query(
      `WITH opened AS (
         INSERT INTO transfers (id, target_school_id, source_school_id, pupil_key_hash, reason, state,
           current_version_id, released_version_id, requested_by_vendor_id, created_at, updated_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12))
       ${STEP_HISTORY_ROW}`,
      [...transferColumns(transfer), ...historyColumns(first)],
    );
    return Object.assign(new TransferEntity(), transfer);
  }

  /**
   * Writes the transfer as it is now (its state, version pointers and `updatedAt`) and appends the step
   * to its history, in one statement: one round trip instead of two, the same rows and locks.
   */
  async saveWithHistory(transfer: TransferEntity, step: TransferStepRow): Promise<void> {
    // Every column as the entity holds it: what TypeORM's save ended with too, without its SELECT first.
    await this.manager.query(
      `WITH saved AS (
         UPDATE transfers SET target_school_id = $2, source_school_id = $3, pupil_key_hash = $4, reason = $5,
           state = $6, current_version_id = $7, released_version_id = $8, requested_by_vendor_id = $9,
           created_at = $10, updated_at = $11, expires_at = $12
         WHERE id = $1)
       ${STEP_HISTORY_ROW}`,
      [...transferColumns(transfer), ...historyColumns(step)],
    );
  }

  /** A page of the transfers at these schools on one side, newest first (keyset pagination). */
  async page(query: TransferPageQuery): Promise<TransferEntity[]> {
    const column = query.schoolColumn === 'target_school_id' ? 'target_school_id' : 'source_school_id';
    const parameters: unknown[] = [query.schoolIds];
    const where = [`t.${column} = ANY($1::uuid[])`];
    if (query.states) {
      parameters.push(query.states);
      where.push(`t.state = ANY($${parameters.length}::varchar[])`);
    }
    if (query.after) {
      parameters.push(query.after.at, query.after.id);
      where.push(`(t.created_at, t.id) < ($${parameters.length - 1}, $${parameters.length}::uuid)`);
    }
    parameters.push(query.take);
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${this.plain.select} FROM transfers t WHERE ${where.join(' AND ')}
       ORDER BY t.created_at DESC, t.id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row) => this.plain.map(row));
  }
}
