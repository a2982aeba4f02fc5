import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay's mark on an outbox row (issue #11): when its queue job was added. The runtime role may set
 * that one column and nothing else of the row, so the outbox stays a record of what the gate allowed.
 */
export class ReleaseRelay1764900000000 implements MigrationInterface {
  name = 'ReleaseRelay1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE release_outbox ADD COLUMN relayed_at timestamptz NULL`);
    // The relay's two questions: rows never relayed, and relayed rows to look at again.
    await queryRunner.query(
      `CREATE INDEX ix_release_outbox_unrelayed ON release_outbox (id) WHERE relayed_at IS NULL`,
    );
    await queryRunner.query(`GRANT UPDATE (relayed_at) ON release_outbox TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE UPDATE (relayed_at) ON release_outbox FROM ${RUNTIME_ROLE}`);
    await queryRunner.query('DROP INDEX ix_release_outbox_unrelayed');
    await queryRunner.query('ALTER TABLE release_outbox DROP COLUMN relayed_at');
  }
}
