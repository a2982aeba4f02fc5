import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  BROKER_RUNTIME_PRIVILEGES,
  BROKER_RUNTIME_ROLE as ROLE,
  BROKER_RUNTIME_SEQUENCES,
} from '../runtime-privileges';

/**
 * Narrows the runtime role (created by the exchange log's migration with every DML right on the
 * exchange's tables) to what the code does, table by table (`BROKER_RUNTIME_PRIVILEGES`): no DELETE
 * anywhere, no UPDATE on records, and nothing on tables created later unless their migration grants it.
 * The broker API serves as this role (docs/operator-guide.md, "Database roles").
 */
export class BrokerRuntimePrivileges1764700000000 implements MigrationInterface {
  name = 'BrokerRuntimePrivileges1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${ROLE}`);
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ROLE}`);
    for (const [table, privileges] of Object.entries(BROKER_RUNTIME_PRIVILEGES)) {
      // Tables of later migrations do not exist yet: those migrations grant their own rights.
      const [{ exists }] = await queryRunner.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
      if (!exists) continue;
      await queryRunner.query(`GRANT ${privileges.join(', ')} ON ${table} TO ${ROLE}`);
    }
    for (const sequence of BROKER_RUNTIME_SEQUENCES) {
      await queryRunner.query(`GRANT USAGE ON SEQUENCE ${sequence} TO ${ROLE}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to what the exchange log's migration left: DML on the exchange's tables, add-only on the log.
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
    await queryRunner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ROLE}`);
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ROLE}`,
    );
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ROLE}`,
    );
    for (const [table, privileges] of Object.entries(BROKER_RUNTIME_PRIVILEGES)) {
      if (privileges.includes('UPDATE')) continue;
      await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM ${ROLE}`);
    }
    await queryRunner.query(`REVOKE INSERT ON schema_migrations FROM ${ROLE}`);
  }
}
