import { BROKER_SCHEMA } from '@app/broker-schema';
import { connectWithRetry, dataSourceOptions, migrateWithLock } from '@app/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ADMIN_DATABASE_URL, databaseUrlFor } from '../test-run';

/**
 * A fresh database for one suite (suites run in parallel), named after the run so the global teardown
 * drops it. Migrated unless asked not to.
 */
export async function createSuiteDatabase(
  suite: string,
  options: { migrate?: boolean } = {},
): Promise<string> {
  const name = `${process.env.TEST_DATABASE_NAME}_${suite}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = databaseUrlFor(name);
  if (options.migrate !== false) {
    const dataSource = await connectWithRetry(new DataSource(dataSourceOptions(url, BROKER_SCHEMA)), {
      url,
      startupTimeoutSeconds: 5,
    });
    await migrateWithLock(dataSource);
    await dataSource.destroy();
  }
  return url;
}
