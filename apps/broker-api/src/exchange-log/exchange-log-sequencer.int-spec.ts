import { BROKER_SCHEMA } from '@app/broker-schema';
import {
  ENTRY_COLUMNS,
  EXCHANGE_LOG_TABLES,
  ExchangeEventInput,
  ExchangeLogEntryRow,
  MemoryMerkleTree,
  SEQUENCER_LEADER_LOCK_KEY,
  StoredCheckpoint,
  appendExchangeEvent,
  canonicalEntryBytes,
  consistencyProofBetween,
  entryFromRow,
  generateLogSigningKey,
  latestCheckpoint,
  leafHash,
  openCheckpoint,
  verifierKey,
  verifyConsistency,
} from '@app/exchange-log';
import { dataSourceOptions } from '@app/persistence';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import type { BrokerApiConfig } from '../broker-api.config';
import { ExchangeLogSequencerService } from './exchange-log-sequencer.service';

const { entries, leaves, checkpoints } = EXCHANGE_LOG_TABLES;
const key = generateLogSigningKey('test.example/exchange-log');
/** Generous: a takeover takes about a second (the standby's next try) after PostgreSQL ends the session. */
const TAKEOVER_BOUND_MS = 15_000;
/** Generous: every entry integrated and checkpointed (every second while entries arrive) on a busy machine. */
const CATCH_UP_BOUND_MS = 60_000;

function stateChange(transferNumber: number): ExchangeEventInput {
  const suffix = transferNumber.toString(16).padStart(12, '0');
  return {
    type: 'state_changed',
    at: new Date(),
    actor: { kind: 'broker', id: 'release-worker' },
    schools: { source: '12AB00', target: '34CD00' },
    transferId: `0b7e4c1a-52d1-4f0e-9a51-${suffix}`,
    details: { from: 'release_queued', to: 'released', event: 'release' },
  };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Two broker processes' sequencer services on one database (two instances in this process, each with
 * its own pool and lease connection): one leads, the other stands by and takes over when the leader's
 * lease connection is terminated, while writers append entries all along. The log comes out as one
 * tree, every entry integrated once, each checkpoint made once and consistent with the earlier ones.
 */
describe('the exchange log sequencer service: one leader across broker processes', () => {
  let database: DataSource;
  const services: ExchangeLogSequencerService[] = [];

  /** The backend holding the leader lease's lock, and its application_name. */
  const leaseHolder = async () => {
    const rows: Array<{ pid: number; application_name: string }> = await database.query(
      `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          -- pg_locks lists every database's locks: only this suite's database counts (and may be ended).
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [String(SEQUENCER_LEADER_LOCK_KEY)],
    );
    return rows;
  };
  const leaders = () => services.filter((service) => service.role === 'leader');

  beforeAll(async () => {
    const url = await createSuiteDatabase('sequencer_leader');
    database = await new DataSource({
      ...dataSourceOptions(url, BROKER_SCHEMA),
      extra: { max: 24 },
    }).initialize();
    const config = {
      database: { url, migrationUrl: url, startupTimeoutSeconds: 10, poolSize: 2 },
      exchangeLog: { signingKey: key },
    } as unknown as BrokerApiConfig;
    services.push(new ExchangeLogSequencerService(config), new ExchangeLogSequencerService(config));
    await Promise.all(services.map((service) => service.onApplicationBootstrap()));
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.onApplicationShutdown()));
    await database?.destroy();
  });

  it('runs the sequencer in exactly one of them, on a lease connection operators can see', async () => {
    await until(async () => (leaders().length > 0 ? true : undefined), TAKEOVER_BOUND_MS);
    await sleep(2_500); // a few of the standby's tries: it keeps losing
    expect(services.map((service) => service.role).sort()).toEqual(['leader', 'standby']);
    const holders = await leaseHolder();
    expect(holders.map((holder) => holder.application_name)).toEqual([
      `oso-leader:log-sequencer:${process.pid}`,
    ]);
  });

  it('bounds how long PostgreSQL keeps a vanished leader’s batch session (and its lock): keepalive settings', async () => {
    const [settings] = await services[0].connections!.query(
      `SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS every,
              current_setting('tcp_keepalives_count') AS count, current_setting('tcp_user_timeout') AS unacknowledged`,
    );
    expect(settings).toEqual({ idle: '5', every: '2', count: '3', unacknowledged: '11000' });
  });

  it('hands over when the leader’s connection is killed, and the log stays one consistent tree', async () => {
    const [{ pid: firstLeaderBackend }] = await leaseHolder();
    const firstLeader = leaders()[0];
    const written: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 6 }, async (_, writer) => {
      for (let round = 0; writing || round < 5; round += 1) {
        const { entryId } = await appendExchangeEvent(database.manager, stateChange(writer * 10_000 + round));
        written.push(entryId);
        await sleep(20);
      }
    });
    let before: StoredCheckpoint;
    let writes: PromiseSettledResult<void>[] = [];
    try {
      // A checkpoint made by the first leader, while entries keep arriving.
      before = await until(async () => {
        const checkpoint = await latestCheckpoint(database.manager);
        return checkpoint && checkpoint.treeSize >= 10 ? checkpoint : undefined;
      }, CATCH_UP_BOUND_MS);

      await database.query('SELECT pg_terminate_backend($1)', [firstLeaderBackend]);
      await until(async () => {
        const holders = await leaseHolder();
        return holders.length === 1 && holders[0].pid !== firstLeaderBackend ? true : undefined;
      }, TAKEOVER_BOUND_MS);
      await until(
        async () => (leaders().length === 1 && leaders()[0] !== firstLeader ? true : undefined),
        TAKEOVER_BOUND_MS,
      );
      expect(firstLeader.role).toBe('standby');

      await sleep(1_500); // more entries under the new leader
    } finally {
      // Also when an assertion failed: no writer may outlive the test (or the database).
      writing = false;
      writes = await Promise.allSettled(writers);
    }
    expect(writes.filter((write) => write.status === 'rejected')).toEqual([]);
    // Every committed entry integrated, and a checkpoint covering them all.
    const [{ count: entryCount }] = await database.query(`SELECT count(*)::int AS count FROM ${entries}`);
    expect(entryCount).toBe(written.length);
    const after = await until(async () => {
      const checkpoint = await latestCheckpoint(database.manager);
      return checkpoint && checkpoint.treeSize === entryCount ? checkpoint : undefined;
    }, CATCH_UP_BOUND_MS);

    // One tree: contiguous leaf indexes, every entry once.
    const leafRows: Array<{ leaf_index: string; entry_id: string }> = await database.query(
      `SELECT leaf_index, entry_id FROM ${leaves} ORDER BY leaf_index`,
    );
    expect(leafRows.map((leaf) => Number(leaf.leaf_index))).toEqual(leafRows.map((_, index) => index));
    expect(new Set(leafRows.map((leaf) => leaf.entry_id)).size).toBe(leafRows.length);
    expect(leafRows.map((leaf) => leaf.entry_id).sort()).toEqual([...written].sort());

    // No checkpoint made twice, and their sizes only grow with time.
    const made: Array<{ tree_size: string; root_hash: Buffer }> = await database.query(
      `SELECT tree_size, root_hash FROM ${checkpoints} ORDER BY created_at, tree_size`,
    );
    const sizes = made.map((checkpoint) => Number(checkpoint.tree_size));
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));

    // The latest signed checkpoint is the tree recomputed from the entries, and consistent with the
    // checkpoint the first leader made, and with every other.
    const { checkpoint: signed } = openCheckpoint(after.signedNote, [verifierKey(key)], key.name);
    const rows: ExchangeLogEntryRow[] = await database.query(
      `SELECT ${ENTRY_COLUMNS} FROM ${entries} e JOIN ${leaves} l ON l.entry_id = e.id ORDER BY l.leaf_index`,
    );
    const tree = new MemoryMerkleTree();
    for (const row of rows) tree.append(leafHash(canonicalEntryBytes(entryFromRow(row))));
    expect(tree.root().equals(signed.rootHash)).toBe(true);
    const fromBefore = await consistencyProofBetween(database.manager, before.treeSize, signed.size);
    expect(
      verifyConsistency(before.treeSize, signed.size, before.rootHash, signed.rootHash, fromBefore),
    ).toBe(true);
    for (const earlier of made) {
      const from = Number(earlier.tree_size);
      if (from === signed.size) continue;
      const proof = await consistencyProofBetween(database.manager, from, signed.size);
      expect(verifyConsistency(from, signed.size, earlier.root_hash, signed.rootHash, proof)).toBe(true);
    }
  });
});
