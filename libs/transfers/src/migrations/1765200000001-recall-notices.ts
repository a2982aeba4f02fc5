import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed recall notices for released versions (#11, item 5): append-only, one per transfer and version.
 * The runtime role may read and add them, nothing else (`BROKER_RUNTIME_PRIVILEGES`).
 */
export class RecallNotices1765200000001 implements MigrationInterface {
  name = 'RecallNotices1765200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE recall_notices (
        id uuid PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        version_id uuid NOT NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        version_hash char(64) NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
        reason varchar(16) NOT NULL CHECK (reason IN ('wrong_pupil', 'wrong_content', 'other')),
        issued_by_vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        issued_at timestamptz NOT NULL,
        notice text NOT NULL,
        signature_algorithm varchar(32) NOT NULL,
        key_id char(64) NOT NULL CHECK (key_id ~ '^[0-9a-f]{64}$'),
        signature bytea NOT NULL,
        CONSTRAINT uq_recall_notices_version UNIQUE (transfer_id, version_id)
      )`);
    await queryRunner.query(`GRANT SELECT, INSERT ON recall_notices TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE recall_notices');
  }
}
