import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { DatabaseSchema, migrationName } from './database-schema';
import { dataSourceOptions } from './data-source-options';
import { MIGRATION_LOCK_KEY, migrateWithLock } from './migrate-with-lock';

/*
 * Persistence knows no domain, so its runner is tested with migrations of its own: two tables, the
 * second referring to the first, so applying them out of order or twice would fail loudly.
 */
class Shelves1700000000000 implements MigrationInterface {
  name = 'Shelves1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE shelves (id integer PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE shelves');
  }
}
class Books1700000000001 implements MigrationInterface {
  name = 'Books1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE books (id integer PRIMARY KEY, shelf integer REFERENCES shelves (id))',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE books');
  }
}
const SCHEMA: DatabaseSchema = { entities: [], migrations: [Shelves1700000000000, Books1700000000001] };

describe('migrateWithLock', () => {
  let url: string;
  const sources: DataSource[] = [];
  const open = async () => {
    const source = await new DataSource(dataSourceOptions(url, SCHEMA)).initialize();
    sources.push(source);
    return source;
  };

  beforeAll(async () => {
    url = await createSuiteDatabase('migrations', { migrate: false });
  });
  afterAll(() => Promise.all(sources.map((source) => source.destroy())));

  it('lets two instances start at once: every migration is applied exactly once', async () => {
    const [first, second] = await Promise.all([open(), open()]);
    const [appliedByFirst, appliedBySecond] = await Promise.all([
      migrateWithLock(first),
      migrateWithLock(second),
    ]);
    const everything = SCHEMA.migrations.map(migrationName);
    expect([...appliedByFirst, ...appliedBySecond].sort()).toEqual([...everything].sort());
    const rows = await first.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(rows.map((row: { name: string }) => row.name)).toEqual(everything);
    expect(await migrateWithLock(first)).toEqual([]);
  });

  it('waits while another session holds the migration lock', async () => {
    const holder = await open();
    const waiter = await open();
    const runner = holder.createQueryRunner();
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    let finished = false;
    const migration = migrateWithLock(waiter).then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await runner.release();
    await migration;
    expect(finished).toBe(true);
  });

  it('leaves schema changes to migrations (synchronize is off)', () => {
    expect(dataSourceOptions(url, SCHEMA)).toMatchObject({ synchronize: false, migrationsRun: false });
  });
});
