import { DataSource } from 'typeorm';

/**
 * An arbitrary but fixed key for pg_advisory_lock: every broker instance that starts takes the same lock
 * before migrating, so two instances never apply the same migration at once (TypeORM has no lock itself).
 */
export const MIGRATION_LOCK_KEY = 7_305_190_001;

/** Applies every pending migration under a PostgreSQL advisory lock; returns the names it applied. */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}
