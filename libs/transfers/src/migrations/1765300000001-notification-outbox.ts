import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook notifications to vendors (issue #11): one row per notification, written in the transaction of
 * what it announces; the release worker's notification relay delivers it, retrying with backoff, until it
 * is delivered or dead-lettered. The failure is a code, never a response body.
 */
export class NotificationOutbox1765300000001 implements MigrationInterface {
  name = 'NotificationOutbox1765300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        kind varchar(16) NOT NULL CHECK (kind IN ('released', 'corrected', 'recalled', 'received')),
        version_hash char(64) NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL,
        last_attempt_at timestamptz NULL,
        last_failure varchar(32) NULL CHECK (last_failure ~ '^[a-z][a-z0-9_]{0,31}$'),
        delivered_at timestamptz NULL,
        dead_at timestamptz NULL,
        CONSTRAINT ck_notification_one_end CHECK (delivered_at IS NULL OR dead_at IS NULL)
      )`);
    // The relay's question: rows still to deliver whose next attempt is due.
    await queryRunner.query(
      `CREATE INDEX ix_notification_outbox_due ON notification_outbox (next_attempt_at)
         WHERE delivered_at IS NULL AND dead_at IS NULL`,
    );
    // The transfer view's question: a transfer's notifications to one vendor.
    await queryRunner.query(
      `CREATE INDEX ix_notification_outbox_transfer ON notification_outbox (transfer_id, vendor_id)`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON notification_outbox TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification_outbox');
  }
}
