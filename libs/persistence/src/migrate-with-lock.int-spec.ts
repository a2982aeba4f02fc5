import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { dataSourceOptions } from './data-source-options';
import { MIGRATIONS } from './migrations';
import { MIGRATION_LOCK_KEY, migrateWithLock } from './migrate-with-lock';

describe('migrateWithLock', () => {
  let url: string;
  const sources: DataSource[] = [];
  const open = async () => {
    const source = await new DataSource(dataSourceOptions(url)).initialize();
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
    const everything = MIGRATIONS.map((migration) => new migration().name);
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
    expect(dataSourceOptions(url)).toMatchObject({ synchronize: false, migrationsRun: false });
  });
});
