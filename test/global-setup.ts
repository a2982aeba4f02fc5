import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, REDIS_URL, databaseUrlFor } from './test-run';

/** Creates this run's database; the suites migrate it themselves (that is part of what they test). */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `oso_test_${runId}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set TEST_ADMIN_DATABASE_URL): ${(error as Error).message}`,
    );
  }
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  process.env.TEST_RUN_ID = runId;
  process.env.TEST_DATABASE_NAME = database;
  process.env.DATABASE_URL = databaseUrlFor(database);
  process.env.REDIS_URL = REDIS_URL;
  process.env.REDIS_PREFIX = `oso-test-${runId}`;
  // The broker's secrets for this run: fresh, so no test depends on a fixed key.
  process.env.PUPIL_KEY_SECRET = randomBytes(32).toString('base64');
  process.env.VAULT_KEKS = `test-1:${randomBytes(32).toString('base64')}`;
  process.env.VAULT_ACTIVE_KEK = 'test-1';
}
