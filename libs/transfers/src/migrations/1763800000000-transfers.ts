import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exchange: which side of a school a mandate covers, the staged dossier versions (encrypted; the
 * database never sees a plaintext dossier or BSN), the transfers between two schools and their history.
 */
export class Transfers1763800000000 implements MigrationInterface {
  name = 'Transfers1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Existing mandates keep covering both sides, as they did before sides existed.
    await queryRunner.query(`
      ALTER TABLE mandates
        ADD COLUMN side varchar(6) NOT NULL DEFAULT 'both' CHECK (side IN ('source', 'target', 'both'))`);
    await queryRunner.query(`
      CREATE TABLE dossier_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_school_id uuid NOT NULL REFERENCES schools (id) ON DELETE RESTRICT,
        pupil_key_hash char(64) NOT NULL CHECK (pupil_key_hash ~ '^[0-9a-f]{64}$'),
        version integer NOT NULL CHECK (version > 0),
        profile varchar(8) NOT NULL,
        overdrachtsoort varchar(24) NOT NULL CHECK (overdrachtsoort IN ('overstapdossier', 'overdrachtbinnenbrin')),
        byte_length integer NOT NULL CHECK (byte_length > 0),
        content_sha256 char(64) NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        canonical_sha256 char(64) NOT NULL CHECK (canonical_sha256 ~ '^[0-9a-f]{64}$'),
        warning_count integer NOT NULL DEFAULT 0,
        ciphertext bytea NULL,
        iv bytea NULL,
        auth_tag bytea NULL,
        wrapped_key bytea NULL,
        wrap_iv bytea NULL,
        wrap_tag bytea NULL,
        kek_id varchar(32) NULL,
        staged_by_vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        staged_at timestamptz NOT NULL DEFAULT now(),
        purged_at timestamptz NULL,
        CONSTRAINT uq_dossier_versions_line UNIQUE (source_school_id, pupil_key_hash, version),
        -- A payload is either all there or destroyed; never half.
        CONSTRAINT ck_dossier_versions_payload CHECK (
          (purged_at IS NULL AND ciphertext IS NOT NULL AND iv IS NOT NULL AND auth_tag IS NOT NULL AND kek_id IS NOT NULL)
          OR (purged_at IS NOT NULL AND ciphertext IS NULL AND wrapped_key IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE transfers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        target_school_id uuid NOT NULL REFERENCES schools (id) ON DELETE RESTRICT,
        source_school_id uuid NOT NULL REFERENCES schools (id) ON DELETE RESTRICT,
        pupil_key_hash char(64) NOT NULL CHECK (pupil_key_hash ~ '^[0-9a-f]{64}$'),
        reason varchar(32) NULL,
        state varchar(20) NOT NULL CHECK (state IN ('requested', 'dossier_staged', 'awaiting_evidence',
          'blocked', 'release_queued', 'released', 'received', 'expired', 'withdrawn', 'purged')),
        current_version_id uuid NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        released_version_id uuid NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        requested_by_vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT ck_transfers_two_schools CHECK (target_school_id <> source_school_id),
        CONSTRAINT ck_transfers_staged_has_version CHECK (state = 'requested' OR state = 'withdrawn'
          OR state = 'expired' OR state = 'purged' OR current_version_id IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX ix_transfers_line ON transfers (source_school_id, pupil_key_hash)`);
    await queryRunner.query(`CREATE INDEX ix_transfers_target ON transfers (target_school_id, state)`);
    await queryRunner.query(`CREATE INDEX ix_transfers_source ON transfers (source_school_id, state)`);
    // One open request per pupil, source and target: a second one is a mistake or a retry.
    await queryRunner.query(`
      CREATE UNIQUE INDEX uq_transfers_open ON transfers (target_school_id, source_school_id, pupil_key_hash)
        WHERE state NOT IN ('received', 'expired', 'withdrawn', 'purged')`);
    await queryRunner.query(`
      CREATE TABLE transfer_history (
        id bigserial PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        event varchar(24) NOT NULL,
        from_state varchar(20) NULL,
        to_state varchar(20) NOT NULL,
        actor varchar(16) NOT NULL CHECK (actor IN ('target_vendor', 'source_vendor', 'broker')),
        actor_vendor_id varchar(64) NULL,
        version_id uuid NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_transfer_history_transfer ON transfer_history (transfer_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE transfer_history`);
    await queryRunner.query(`DROP TABLE transfers`);
    await queryRunner.query(`DROP TABLE dossier_versions`);
    await queryRunner.query(`ALTER TABLE mandates DROP COLUMN side`);
  }
}
