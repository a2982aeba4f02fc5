import { formatSchoolCode } from '@app/registry';
import type { EntityManager } from 'typeorm';
import type { TransferSchools } from '../transfer-events';
import type {
  NotificationFailure,
  NotificationKind,
  NotificationOutboxEntity,
} from './notification-outbox.entity';

/** A row to deliver, with where it goes (read at delivery: a changed webhook applies to pending rows). */
export interface NotificationToDeliver {
  id: string;
  vendorId: string;
  transferId: string;
  kind: NotificationKind;
  versionHash: string | null;
  attempts: number;
  createdAt: Date;
  /** Null when the vendor cleared its webhook after the row was written. */
  webhookUrl: string | null;
}

/** A row as it was before the attempt recorded on it, with its transfer's schools (for the log). */
export interface RecordedAttempt extends Omit<NotificationToDeliver, 'webhookUrl'> {
  schools: TransferSchools;
}

/** `recordAttempt`'s row as PostgreSQL answers it (the id is a bigint: a string or a number). */
type RecordedAttemptRow = Omit<RecordedAttempt, 'id' | 'schools'> & {
  id: unknown;
  sourceBrin: string;
  sourceVestiging: string;
  targetBrin: string;
  targetVestiging: string;
};

/** How a notification stands, as the transfer view shows it to the vendor concerned (no URL). */
export interface NotificationStanding {
  kind: NotificationKind;
  state: 'delivered' | 'pending' | 'dead';
  attempts: number;
}

const COLUMNS = `o.id, o.vendor_id AS "vendorId", o.transfer_id AS "transferId", o.kind,
  o.version_hash AS "versionHash", o.attempts, o.created_at AS "createdAt"`;

/** Only rows still open may change: a delivered or dead row is final. */
const OPEN = 'delivered_at IS NULL AND dead_at IS NULL';

/** The SQL of the notification outbox. Rows are never deleted; an attempt updates its row. */
export class NotificationRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Writes the notification when the vendor has a webhook, due at once; a vendor without one gets no row
   * (it polls its inbox). Answers whether a row was written.
   */
  async queueIfWebhook(n: {
    vendorId: string;
    transferId: string;
    kind: NotificationKind;
    versionHash: string | null;
  }): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO notification_outbox (vendor_id, transfer_id, kind, version_hash, created_at, next_attempt_at)
       SELECT v.id, $2, $3, $4, clock_timestamp(), clock_timestamp()
         FROM vendors v WHERE v.id = $1 AND v.webhook_url IS NOT NULL
       RETURNING id`,
      [n.vendorId, n.transferId, n.kind, n.versionHash],
    );
    return rows.length > 0;
  }

  /**
   * Takes up to `limit` due rows for the queue and leases them until `leaseUntil` (so the next round does
   * not add them again, and a job lost with Redis comes back when the lease runs out). Answers their ids.
   */
  async leaseDue(now: Date, leaseUntil: Date, limit: number): Promise<string[]> {
    // A CTE ending in SELECT: TypeORM answers a bare UPDATE's RETURNING as [rows, count], not rows.
    const rows: Array<{ id: string }> = await this.manager.query(
      `WITH due AS (SELECT id FROM notification_outbox
                     WHERE ${OPEN} AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
            leased AS (UPDATE notification_outbox o SET next_attempt_at = $2
                         FROM due WHERE o.id = due.id RETURNING o.id)
       SELECT id FROM leased ORDER BY id`,
      [now, leaseUntil, limit],
    );
    return rows.map((row) => String(row.id));
  }

  /** An open row and its vendor's current webhook; null once delivered or dead (or unknown). */
  async openForDelivery(id: string, options: { lock: boolean }): Promise<NotificationToDeliver | null> {
    const rows: NotificationToDeliver[] = await this.manager.query(
      `SELECT ${COLUMNS}, v.webhook_url AS "webhookUrl"
         FROM notification_outbox o JOIN vendors v ON v.id = o.vendor_id
        WHERE o.id = $1 AND o.delivered_at IS NULL AND o.dead_at IS NULL
        ${options.lock ? 'FOR UPDATE OF o' : ''}`,
      [id],
    );
    return rows[0] ? { ...rows[0], id: String(rows[0].id) } : null;
  }

  /**
   * Records an attempt on the row if it is still open, in one statement (issue #13: it was a locking read,
   * then the update): delivered, or failed and due again at `nextAttemptAt`, or dead when that is null.
   * The update's row lock serialises concurrent attempts, and a row no longer open is not touched. Answers
   * the row as it was before the attempt, with its transfer's schools; null when it was not open.
   */
  async recordAttempt(
    id: string,
    at: Date,
    attempt:
      { delivered: true } | { delivered: false; failure: NotificationFailure; nextAttemptAt: Date | null },
  ): Promise<RecordedAttempt | null> {
    const failure = attempt.delivered ? null : attempt.failure;
    const nextAttemptAt = attempt.delivered ? null : attempt.nextAttemptAt;
    // TypeORM answers an UPDATE's RETURNING as [rows, count]. The schools come in the same statement
    // (issue #13: they were a second query, through TypeORM's entity mapping, for every delivery).
    const [rows]: [Array<RecordedAttemptRow>, number] = await this.manager.query(
      `UPDATE notification_outbox o
          SET attempts = o.attempts + 1, last_attempt_at = $2::timestamptz, last_failure = $3,
              delivered_at = CASE WHEN $5::boolean THEN $2::timestamptz END,
              next_attempt_at = CASE WHEN $5::boolean THEN o.next_attempt_at
                                     ELSE COALESCE($4::timestamptz, o.next_attempt_at) END,
              dead_at = CASE WHEN NOT $5::boolean AND $4::timestamptz IS NULL THEN $2::timestamptz END
         FROM transfers t
         JOIN schools source ON source.id = t.source_school_id
         JOIN schools target ON target.id = t.target_school_id
        WHERE o.id = $1 AND o.delivered_at IS NULL AND o.dead_at IS NULL AND t.id = o.transfer_id
       RETURNING o.id, o.vendor_id AS "vendorId", o.transfer_id AS "transferId", o.kind,
                 o.version_hash AS "versionHash", o.attempts - 1 AS attempts, o.created_at AS "createdAt",
                 source.brin AS "sourceBrin", source.vestiging AS "sourceVestiging",
                 target.brin AS "targetBrin", target.vestiging AS "targetVestiging"`,
      [id, at, failure, nextAttemptAt, attempt.delivered],
    );
    const [row] = rows;
    if (!row) return null;
    const { sourceBrin, sourceVestiging, targetBrin, targetVestiging, ...recorded } = row;
    return {
      ...recorded,
      id: String(row.id),
      schools: {
        source: formatSchoolCode({ brin: sourceBrin, vestiging: sourceVestiging }),
        target: formatSchoolCode({ brin: targetBrin, vestiging: targetVestiging }),
      },
    };
  }

  /** The notifications of a transfer to one vendor, oldest first. */
  async ofTransferFor(transferId: string, vendorId: string): Promise<NotificationStanding[]> {
    const rows: Array<Pick<NotificationOutboxEntity, 'kind' | 'attempts' | 'deliveredAt' | 'deadAt'>> =
      await this.manager.query(
        `SELECT kind, attempts, delivered_at AS "deliveredAt", dead_at AS "deadAt"
           FROM notification_outbox WHERE transfer_id = $1 AND vendor_id = $2 ORDER BY id`,
        [transferId, vendorId],
      );
    return rows.map((row) => ({
      kind: row.kind,
      state: row.deliveredAt !== null ? 'delivered' : row.deadAt !== null ? 'dead' : 'pending',
      attempts: row.attempts,
    }));
  }
}
