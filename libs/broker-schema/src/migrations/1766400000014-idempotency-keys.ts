import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #14: a vendor's retry with the same Idempotency-Key creates nothing twice, whichever instance
 * takes it. The key is marked `committed` in the transaction of the step it guards, so a crash leaves
 * both or neither. The runtime role may delete rows here, and only here: a key past its retention is
 * deleted, not kept (it guards a retry, it is no record).
 */
export class IdempotencyKeys1766400000014 implements MigrationInterface {
  name = 'IdempotencyKeys1766400000014';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        vendor_id varchar(64) NOT NULL REFERENCES vendors (id),
        key_sha256 char(64) NOT NULL,
        request_sha256 char(64) NOT NULL,
        state varchar(16) NOT NULL,
        claim_token uuid NOT NULL,
        lease_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        answer_status smallint,
        answer_body text,
        answer_headers jsonb,
        PRIMARY KEY (vendor_id, key_sha256),
        CONSTRAINT ck_idempotency_keys_state CHECK (state IN ('in_flight', 'committed', 'completed')),
        CONSTRAINT ck_idempotency_keys_answer CHECK (
          (state = 'completed') = (answer_status IS NOT NULL AND answer_body IS NOT NULL))
      )`);
    await queryRunner.query('CREATE INDEX ix_idempotency_keys_expiry ON idempotency_keys (expires_at)');
    // Granted here, as the table is made: the same rights as `BROKER_RUNTIME_PRIVILEGES` lists.
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO ${RUNTIME_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
