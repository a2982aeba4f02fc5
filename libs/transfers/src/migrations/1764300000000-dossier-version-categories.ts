import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which data categories each staged version held (`cat_…` names, never content), for the auditors'
 * pupil report. Versions staged before this column are NULL: not recorded, which the report says.
 */
export class DossierVersionCategories1764300000000 implements MigrationInterface {
  name = 'DossierVersionCategories1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dossier_versions
        ADD COLUMN data_categories text[] NULL
          CHECK (data_categories IS NULL OR array_to_string(data_categories, ',') ~ '^(cat_[a-z]+(,|$))*$')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE dossier_versions DROP COLUMN data_categories');
  }
}
