import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { EXCHANGE_LOG_ENTITIES, EXCHANGE_LOG_MIGRATIONS } from '../storage';

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
