import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LogSigningKey, generateLogSigningKey } from '../checkpoint';
import { inclusionProofForEntry, latestCheckpoint } from '../sequencer/log-reads';
import { LogSequencer } from '../sequencer/log-sequencer';
import { EXCHANGE_LOG_ENTITIES, EXCHANGE_LOG_MIGRATIONS, EXCHANGE_LOG_TABLES } from '../storage';

export interface IntegrationRate {
  entries: number;
  seconds: number;
  entriesPerSecond: number;
  checkpoints: number;
}

/**
 * Writes `entries` committed entries (state changes with realistic fields, in one statement: the append
 * path is not what is measured), then times the sequencer integrating all of them with its defaults —
 * leaf hashing, subtree hashes, leaf and node inserts, a signed checkpoint per second.
 */
export async function measureIntegrationRate(
  dataSource: DataSource,
  key: LogSigningKey,
  entries: number,
): Promise<IntegrationRate> {
  await dataSource.query(
    `INSERT INTO ${EXCHANGE_LOG_TABLES.entries} (at, event_type, actor_kind, actor_id, source_school,
       target_school, transfer_id, version_hash, details)
     SELECT now(), 'state_changed', 'broker', 'release-worker', '12AB00', '34CD00', gen_random_uuid(),
            encode(sha256(n::text::bytea), 'hex'),
            '{"event":"release","from":"release_queued","to":"released"}'::jsonb
       FROM generate_series(1, $1) AS n`,
    [entries],
  );
  const [{ count: before }] = await dataSource.query(
    `SELECT count(*) FROM ${EXCHANGE_LOG_TABLES.checkpoints}`,
  );
  const sequencer = new LogSequencer(dataSource, { signingKey: key });
  const start = process.hrtime.bigint();
  let integrated = 0;
  while (integrated < entries) {
    const outcome = await sequencer.integrateBatch();
    integrated += outcome.integrated;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // The last entries wait for the next checkpoint (at most a second), as they would in the running broker.
  while (((await latestCheckpoint(dataSource.manager))?.treeSize ?? 0) < entries) {
    await sleep(100);
    await sequencer.integrateBatch();
  }
  const [{ count: after }] = await dataSource.query(
    `SELECT count(*) FROM ${EXCHANGE_LOG_TABLES.checkpoints}`,
  );
  return {
    entries,
    seconds,
    entriesPerSecond: entries / seconds,
    checkpoints: Number(after) - Number(before),
  };
}

/** Mean time of `inclusionProofForEntry` (leaf lookup, checkpoint, one subtree query) over random entries. */
export async function measureInclusionProofMs(dataSource: DataSource, samples: number): Promise<number> {
  const ids: Array<{ id: string }> = await dataSource.query(
    `SELECT id FROM ${EXCHANGE_LOG_TABLES.entries} ORDER BY random() LIMIT $1`,
    [samples],
  );
  const start = process.hrtime.bigint();
  for (const { id } of ids) await inclusionProofForEntry(dataSource.manager, id);
  return Number(process.hrtime.bigint() - start) / 1e6 / ids.length;
}

/** `node dist/libs/exchange-log/src/bench/integration-benchmark.js [ENTRIES]` on a throwaway database. */
async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const entries = Number(process.argv[2] ?? 100_000);
  const database = `oso_bench_log_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dataSource = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: EXCHANGE_LOG_ENTITIES,
    migrations: EXCHANGE_LOG_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const rate = await measureIntegrationRate(
      dataSource,
      generateLogSigningKey('bench/exchange-log'),
      entries,
    );
    process.stdout.write(
      `sequencer: ${rate.entries} entries integrated in ${rate.seconds.toFixed(2)} s = ` +
        `${Math.round(rate.entriesPerSecond)} entries/s (${rate.checkpoints} checkpoints)\n`,
    );
    const proofMs = await measureInclusionProofMs(dataSource, 1_000);
    process.stdout.write(
      `inclusion proof: ${proofMs.toFixed(2)} ms on average in a tree of ${entries} entries\n`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
