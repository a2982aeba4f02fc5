import { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel every registry change is announced on (issue #13): see `RegistryChangeListener`. */
export const REGISTRY_CHANGED_CHANNEL = 'oso_registry_changed';

/** The tables whose rows decide who may talk to the broker, and for whom. */
const WATCHED_TABLES = ['vendors', 'schools', 'mandates', 'auditors', 'client_certificates'];

/**
 * Announces every change of the registry's tables with NOTIFY, whoever makes it (the broker, the CLI,
 * an operator's psql), so broker-api processes can keep the registry in memory and still refuse a revoked
 * certificate or mandate on the very next request. Per statement: the listeners reload, they need no row.
 * The payload is the table's name only. NOTIFY is sent at commit, never for a rolled-back change.
 */
export class RegistryChangeNotices1766000000001 implements MigrationInterface {
  name = 'RegistryChangeNotices1766000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${REGISTRY_CHANGED_CHANNEL}', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of WATCHED_TABLES) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION registry_changed()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of WATCHED_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_changed ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION registry_changed()');
  }
}
