import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A school board's instructions to the broker (issue #11): its release policy and its metadata retention
 * term, append-only. The checks repeat the registry's rules, so a half-filled instruction cannot be stored.
 */
export class BoardInstructions1765100000000 implements MigrationInterface {
  name = 'BoardInstructions1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE board_instructions (
        id uuid PRIMARY KEY,
        bevoegd_gezag char(5) NOT NULL CHECK (bevoegd_gezag ~ '^[0-9]{5}$'),
        kind varchar(24) NOT NULL CHECK (kind IN ('release_policy', 'metadata_retention')),
        policy_id varchar(32) NULL CHECK (policy_id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
        policy_version integer NULL CHECK (policy_version > 0),
        after_release_months integer NULL CHECK (after_release_months > 0),
        special_education_months integer NULL CHECK (special_education_months > 0),
        effective_from date NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by_vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        certificate_fingerprint char(64) NOT NULL CHECK (certificate_fingerprint ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_board_instructions_policy CHECK (
          (kind = 'release_policy') = (policy_id IS NOT NULL AND policy_version IS NOT NULL)
          AND (kind = 'release_policy' OR (policy_id IS NULL AND policy_version IS NULL))),
        CONSTRAINT ck_board_instructions_retention CHECK (
          (kind = 'metadata_retention') = (after_release_months IS NOT NULL AND special_education_months IS NOT NULL)
          AND (kind = 'metadata_retention' OR (after_release_months IS NULL AND special_education_months IS NULL)))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_board_instructions_board ON board_instructions (bevoegd_gezag, kind, effective_from, recorded_at)`,
    );
    // Granted here, as the table is made: the same rights as `BROKER_RUNTIME_PRIVILEGES` lists.
    await queryRunner.query(`GRANT SELECT, INSERT ON board_instructions TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE board_instructions');
  }
}
