import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version's inzage basis (issue #11): SHA-256 of its canonical XML without the parents' remarks in the
 * `inzage` block. Versions of a line with equal basis differ only by those remarks, so a later one keeps
 * the inzage recorded for an earlier one. NULL for versions staged before: they keep nobody's inzage.
 */
export class InzageBasis1765000000001 implements MigrationInterface {
  name = 'InzageBasis1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dossier_versions
        ADD COLUMN inzage_basis_sha256 char(64) NULL CHECK (inzage_basis_sha256 ~ '^[0-9a-f]{64}$')`);
    await queryRunner.query(`
      CREATE INDEX ix_dossier_versions_inzage_basis
        ON dossier_versions (source_school_id, pupil_key_hash, inzage_basis_sha256)
        WHERE inzage_basis_sha256 IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_dossier_versions_inzage_basis');
    await queryRunner.query('ALTER TABLE dossier_versions DROP COLUMN inzage_basis_sha256');
  }
}
