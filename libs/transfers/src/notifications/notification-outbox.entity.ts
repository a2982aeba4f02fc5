import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a webhook notification announces (issue #11, item 6). */
export const NOTIFICATION_KINDS = ['released', 'corrected', 'recalled', 'received'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Why an attempt failed, as a code (never the receiver's response body): `http_<status>` for an answer
 * outside 2xx (a redirect included: not followed), or one of the connection failures.
 */
export type NotificationFailure =
  | `http_${number}`
  | 'connection_refused'
  | 'timeout'
  | 'tls_failed'
  | 'network_error'
  | 'no_webhook'
  | 'broker_identity_missing';

/**
 * One webhook notification to one vendor, written in the transaction of what it announces. The release
 * worker delivers it; a row ends `delivered` or `dead` (all attempts failed), never both.
 */
@Entity({ name: 'notification_outbox' })
export class NotificationOutboxEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'vendor_id', type: 'varchar', length: 64 })
  vendorId!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: NotificationKind;

  @Column({ name: 'version_hash', type: 'char', length: 64, nullable: true })
  versionHash!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When the relay may hand the row to the queue (again): now, after a backoff, or after a lease ran out. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_failure', type: 'varchar', length: 32, nullable: true })
  lastFailure!: NotificationFailure | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt!: Date | null;
}
