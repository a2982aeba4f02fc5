import { MigrationInterface, QueryRunner } from 'typeorm';
import { UNKNOWN_BEVOEGD_GEZAG } from '../registry-rules';

/**
 * Every school gets its bevoegd gezag (the DUO number of its board), every auditor its scope: the boards
 * whose schools it sees, or supervisory (every school).
 *
 * Existing rows (development databases; the broker is not in production yet): schools get UNKNOWN_BEVOEGD_GEZAG
 * ('00000', which no DUO board has), meaning "not known yet" until `oso registry change-school --bevoegd-gezag` sets it;
 * auditors get no boards and are not supervisory, so they see nothing until `oso registry change-auditor`
 * gives them a scope. Least access until someone decides, rather than a guessed scope.
 */
export class AuditorScope1764660000000 implements MigrationInterface {
  name = 'AuditorScope1764660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE schools ADD COLUMN bevoegd_gezag char(5) NOT NULL DEFAULT '${UNKNOWN_BEVOEGD_GEZAG}'`,
    );
    // The default only filled the existing rows: a new school names its board.
    await queryRunner.query(`ALTER TABLE schools ALTER COLUMN bevoegd_gezag DROP DEFAULT`);
    await queryRunner.query(
      `ALTER TABLE schools ADD CONSTRAINT ck_schools_bevoegd_gezag CHECK (bevoegd_gezag ~ '^[0-9]{5}$')`,
    );
    await queryRunner.query(`CREATE INDEX ix_schools_bevoegd_gezag ON schools (bevoegd_gezag)`);
    await queryRunner.query(`ALTER TABLE auditors ADD COLUMN boards text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE auditors ADD COLUMN supervisory boolean NOT NULL DEFAULT false`);
    // A supervisory auditor has no boards; every board is a bevoegd-gezag number. That a board auditor
    // has at least one board is the registry's rule: rows migrated from before scopes have none yet.
    await queryRunner.query(`
      ALTER TABLE auditors ADD CONSTRAINT ck_auditors_scope CHECK (
        NOT (supervisory AND cardinality(boards) > 0)
        AND array_to_string(boards, ',') ~ '^([0-9]{5}(,[0-9]{5})*)?$'
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE auditors DROP CONSTRAINT ck_auditors_scope`);
    await queryRunner.query(`ALTER TABLE auditors DROP COLUMN supervisory`);
    await queryRunner.query(`ALTER TABLE auditors DROP COLUMN boards`);
    await queryRunner.query(`DROP INDEX ix_schools_bevoegd_gezag`);
    await queryRunner.query(`ALTER TABLE schools DROP CONSTRAINT ck_schools_bevoegd_gezag`);
    await queryRunner.query(`ALTER TABLE schools DROP COLUMN bevoegd_gezag`);
  }
}
