import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { LogSigningKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { MerkleFrontier, leafHash, verifyInclusion } from '../merkle';
import { inclusionProofForEntry, latestCheckpoint, readExchangeLogEntry } from '../sequencer/log-reads';
import { LogSequencer } from '../sequencer/log-sequencer';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { msSince } from './bench-statistics';

const { entries, checkpoints } = EXCHANGE_LOG_TABLES;

/** How often the benchmark looks whether the last checkpoint has come. */
const CHECKPOINT_POLL_MS = 100;

export interface IntegrationRate {
  entries: number;
  seconds: number;
  entriesPerSecond: number;
  checkpoints: number;
}

/**
 * Writes `count` committed entries (state changes with realistic fields) in one statement: the append
 * path is the request's, not what the sequencer benchmark measures.
 */
export async function insertBenchmarkEntries(dataSource: DataSource, count: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO ${entries} (at, event_type, actor_kind, actor_id, source_school,
       target_school, transfer_id, version_hash, details)
     SELECT now(), 'state_changed', 'broker', 'release-worker', '12AB00', '34CD00', gen_random_uuid(),
            encode(sha256(n::text::bytea), 'hex'),
            '{"event":"release","from":"release_queued","to":"released"}'::jsonb
       FROM generate_series(1, $1) AS n`,
    [count],
  );
}

/**
 * Times the sequencer integrating every entry not yet in the tree (`insertBenchmarkEntries` first), with
 * its defaults: reading the entries, leaf hashing, subtree hashes, leaf and node inserts, a signed
 * checkpoint per second.
 */
export async function measureIntegrationRate(
  dataSource: DataSource,
  key: LogSigningKey,
  count: number,
): Promise<IntegrationRate> {
  const countCheckpoints = async () =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM ${checkpoints}`))[0].n);
  const before = await countCheckpoints();
  const sequencer = new LogSequencer(dataSource, { signingKey: key });
  const start = process.hrtime.bigint();
  let integrated = 0;
  while (integrated < count) {
    const outcome = await sequencer.integrateBatch();
    integrated += outcome.integrated;
  }
  const seconds = msSince(start) / 1000;
  // The last entries wait for the next checkpoint (at most a second), as they would in the running broker.
  while (((await latestCheckpoint(dataSource.manager))?.treeSize ?? 0) < count) {
    await sleep(CHECKPOINT_POLL_MS);
    await sequencer.integrateBatch();
  }
  return {
    entries: count,
    seconds,
    entriesPerSecond: count / seconds,
    checkpoints: (await countCheckpoints()) - before,
  };
}

/**
 * The baseline of the sequencer's rate: the same entries, read once, turned into leaf bytes, hashed and
 * appended to an in-memory frontier — the sequencer's own work without PostgreSQL's writes.
 */
export async function measureInMemoryIntegrationRate(dataSource: DataSource): Promise<IntegrationRate> {
  const rows: ExchangeLogEntryRow[] = await dataSource.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${entries} ORDER BY id`,
  );
  const frontier = MerkleFrontier.empty();
  const start = process.hrtime.bigint();
  for (const row of rows) frontier.append(leafHash(canonicalEntryBytes(entryFromRow(row))));
  frontier.root();
  const seconds = msSince(start) / 1000;
  return { entries: rows.length, seconds, entriesPerSecond: rows.length / seconds, checkpoints: 0 };
}

/**
 * Times `inclusionProofForEntry` — what the proof route runs: leaf lookup, latest checkpoint, one subtree
 * query — for `samples` random entries; each proof is then verified against the checkpoint's root with
 * the entry's leaf bytes as stored, outside the timing.
 */
export async function timeEntryInclusionProofs(dataSource: DataSource, samples: number): Promise<number[]> {
  const ids: Array<{ id: string }> = await dataSource.query(
    `SELECT id FROM ${entries} ORDER BY random() LIMIT $1`,
    [samples],
  );
  const timings: number[] = [];
  const inclusions = [];
  for (const { id } of ids) {
    const start = process.hrtime.bigint();
    inclusions.push(await inclusionProofForEntry(dataSource.manager, id));
    timings.push(msSince(start));
  }
  const checkpoint = await latestCheckpoint(dataSource.manager);
  for (const inclusion of inclusions) {
    const entry = await readExchangeLogEntry(dataSource.manager, inclusion.entryId);
    const verified =
      checkpoint !== null &&
      entry !== null &&
      inclusion.treeSize === checkpoint.treeSize &&
      verifyInclusion(
        leafHash(canonicalEntryBytes(entry)),
        inclusion.leafIndex,
        inclusion.treeSize,
        inclusion.proof,
        checkpoint.rootHash,
      );
    if (!verified) throw new Error(`the inclusion proof of entry ${inclusion.entryId} does not verify`);
  }
  return timings;
}
