import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence of inzage and consent (append-only) and the release outbox (issue #11). The checks repeat the
 * API's rules, so a bug in the code cannot store a name as a person's label or a half-filled record.
 */
export class Evidence1764800000000 implements MigrationInterface {
  name = 'Evidence1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE evidence_records (
        id uuid PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        version_id uuid NOT NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        version_hash char(64) NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
        receiving_school_id uuid NOT NULL REFERENCES schools (id) ON DELETE RESTRICT,
        kind varchar(20) NOT NULL CHECK (kind IN ('inzage', 'consent', 'consent_withdrawn')),
        act_date date NOT NULL,
        actor_role varchar(32) NOT NULL
          CHECK (actor_role IN ('parent_with_gezag', 'voogd', 'pupil', 'verzorger_without_gezag')),
        actor_ref varchar(32) NULL CHECK (actor_ref ~ '^[a-z][a-z0-9-]{0,31}$'),
        inzage_how varchar(16) NULL CHECK (inzage_how IN ('conversation', 'letter', 'portal')),
        decision varchar(8) NULL CHECK (decision IN ('granted', 'refused')),
        form varchar(24) NULL CHECK (form IN ('signed_declaration', 'digital_confirmation')),
        remarks_sha256 char(64) NULL CHECK (remarks_sha256 ~ '^[0-9a-f]{64}$'),
        declaration_sha256 char(64) NULL CHECK (declaration_sha256 ~ '^[0-9a-f]{64}$'),
        declaration_media_type varchar(100) NULL,
        recorded_by_vendor_id varchar(64) NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT ck_evidence_pupil_unlabelled CHECK ((actor_role = 'pupil') = (actor_ref IS NULL)),
        CONSTRAINT ck_evidence_inzage CHECK ((kind = 'inzage') = (inzage_how IS NOT NULL)),
        CONSTRAINT ck_evidence_consent CHECK ((kind = 'consent') = (decision IS NOT NULL AND form IS NOT NULL)),
        CONSTRAINT ck_evidence_remarks CHECK (kind = 'inzage' OR remarks_sha256 IS NULL),
        CONSTRAINT ck_evidence_declaration CHECK ((declaration_sha256 IS NULL) = (declaration_media_type IS NULL)
          AND (kind = 'consent' OR declaration_sha256 IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_evidence_transfer ON evidence_records (transfer_id, recorded_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE release_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES transfers (id) ON DELETE RESTRICT,
        version_id uuid NOT NULL REFERENCES dossier_versions (id) ON DELETE RESTRICT,
        version_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_release_outbox_transfer ON release_outbox (transfer_id)`);
    // Granted here, as the tables are made (the privileges migration ran before they existed); the same
    // rights as `BROKER_RUNTIME_PRIVILEGES` lists, which the runtime-role test compares with the database.
    await queryRunner.query(`GRANT SELECT, INSERT ON evidence_records, release_outbox TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE release_outbox');
    await queryRunner.query('DROP TABLE evidence_records');
  }
}
