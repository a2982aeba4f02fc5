import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { EXCHANGE_LOG_ENTITIES, EXCHANGE_LOG_MIGRATIONS, EXCHANGE_LOG_TABLES } from '../storage';

/**
 * A fresh database holding only the exchange log (its migration applied), for the log's own integration
 * tests. The broker's data source composes the log's entities and migration with the others.
 */
export async function openLogTestDatabase(suite: string, poolSize = 10): Promise<DataSource> {
  const url = await createSuiteDatabase(suite, { migrate: false });
  const dataSource = await new DataSource({
    type: 'postgres',
    url,
    entities: EXCHANGE_LOG_ENTITIES,
    migrations: EXCHANGE_LOG_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    logging: false,
    extra: { max: poolSize },
  }).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * What `look` sees after `tamper` changed the log as a superuser who switched its append-only triggers
 * off, in one transaction that is rolled back: the log stays intact for the next test.
 */
export async function lookAfterTamper<T>(
  dataSource: DataSource,
  tamper: (runner: QueryRunner) => Promise<unknown>,
  look: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    for (const table of Object.values(EXCHANGE_LOG_TABLES)) {
      await runner.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    }
    await tamper(runner);
    return await look(runner.manager);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}
