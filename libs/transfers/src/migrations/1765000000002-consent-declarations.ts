import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent declaration documents the sending school may upload (issue #11, item 2): one per consent
 * record, sealed with the vault under its own data key, like a dossier version. `version_id` ties it to
 * the version the consent is for: retention destroys its key with that version's (set the payload columns
 * NULL and `purged_at`). The runtime role reads, adds, and updates (purge, key rotation); never deletes.
 */
export class ConsentDeclarations1765000000002 implements MigrationInterface {
  name = 'ConsentDeclarations1765000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consent_declarations (
        evidence_id uuid PRIMARY KEY REFERENCES evidence_records (id) ON DELETE RESTRICT,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        version_id uuid NOT NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        media_type varchar(100) NOT NULL,
        byte_length integer NOT NULL CHECK (byte_length >= 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        ciphertext bytea NULL,
        iv bytea NULL,
        auth_tag bytea NULL,
        wrapped_key bytea NULL,
        wrap_iv bytea NULL,
        wrap_tag bytea NULL,
        kek_id varchar(32) NULL,
        stored_by_vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        stored_at timestamptz NOT NULL,
        purged_at timestamptz NULL,
        -- A payload is either all there or destroyed; never half (as dossier_versions).
        CONSTRAINT ck_consent_declarations_payload CHECK (
          (purged_at IS NULL AND ciphertext IS NOT NULL AND iv IS NOT NULL AND auth_tag IS NOT NULL
             AND wrapped_key IS NOT NULL AND kek_id IS NOT NULL)
          OR (purged_at IS NOT NULL AND ciphertext IS NULL AND wrapped_key IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_consent_declarations_version ON consent_declarations (version_id)`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON consent_declarations TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE consent_declarations');
  }
}
