import { DatabaseSchema, dataSourceOptions, migrateWithLock } from '@app/persistence';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** Where the benchmarks create their databases: a superuser's connection to the cluster. */
export const BENCH_ADMIN_DATABASE_URL =
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Runs `work` on a fresh database migrated with `schema`, and drops the database afterwards, also when
 * `work` fails: a benchmark never touches the broker's own data.
 */
export async function withThrowawayDatabase<T>(
  purpose: string,
  schema: DatabaseSchema,
  work: (dataSource: DataSource) => Promise<T>,
  poolSize?: number,
): Promise<T> {
  const name = `oso_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: BENCH_ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(BENCH_ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    const options = dataSourceOptions(url.toString(), schema);
    const dataSource = new DataSource({
      ...options,
      extra: { ...options.extra, application_name: 'oso-bench', ...(poolSize ? { max: poolSize } : {}) },
    } as typeof options);
    try {
      await dataSource.initialize();
      await migrateWithLock(dataSource);
      return await work(dataSource);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
