import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retraction of a version before release (#11, item 5): when and why the sender took it back. A retracted
 * version is always purged (its key and ciphertext destroyed in the same step), and its reason is a token
 * from a closed list. The runtime role's UPDATE on `dossier_versions` covers the two columns.
 */
export class VersionRetraction1765200000000 implements MigrationInterface {
  name = 'VersionRetraction1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dossier_versions
        ADD COLUMN retracted_at timestamptz NULL,
        ADD COLUMN retraction_reason varchar(16) NULL
          CHECK (retraction_reason IN ('wrong_pupil', 'wrong_content', 'other')),
        ADD CONSTRAINT ck_dossier_versions_retraction CHECK (
          (retracted_at IS NULL) = (retraction_reason IS NULL)
          AND (retracted_at IS NULL OR (purged_at IS NOT NULL AND wrapped_key IS NULL AND ciphertext IS NULL)))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dossier_versions
        DROP CONSTRAINT ck_dossier_versions_retraction,
        DROP COLUMN retraction_reason,
        DROP COLUMN retracted_at`);
  }
}
