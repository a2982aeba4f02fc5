import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { generateLogSigningKey, openCheckpoint, verifierKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { ExchangeEventInput } from '../entry/exchange-log-entry';
import { MemoryMerkleTree, leafHash, verifyConsistency, verifyInclusion } from '../merkle';
import {
  ENTRY_COLUMNS,
  ExchangeLogEntryRow,
  appendExchangeEvent,
  entryFromRow,
} from '../storage/append-exchange-event';
import { openLogTestDatabase } from '../testing/log-test-database';
import {
  ExchangeLogReadError,
  consistencyProofBetween,
  inclusionProofForEntry,
  latestCheckpoint,
  readExchangeLogEntry,
} from './log-reads';
import { LogSequencer, SEQUENCER_LOCK_KEY } from './log-sequencer';
import { MissingTreeNodeError, PostgresSubtreeHashes } from './postgres-subtree-hashes';

const key = generateLogSigningKey('test.example/exchange-log');
const VERIFIER = verifierKey(key);

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

class RolledBack extends Error {}

/** Leaf index of every integrated entry, and the entry ids that exist (committed). */
async function integration(dataSource: DataSource) {
  const leaves: Array<{ leaf_index: string; entry_id: string }> = await dataSource.query(
    'SELECT leaf_index, entry_id FROM exchange_log_leaves ORDER BY leaf_index',
  );
  const entries: Array<{ id: string }> = await dataSource.query('SELECT id FROM exchange_log_entries');
  return { leaves, entryIds: entries.map((row) => row.id) };
}

/** The whole tree recomputed from the stored entries in leaf order: what an offline verifier does. */
async function recomputedTree(dataSource: DataSource): Promise<MemoryMerkleTree> {
  const rows: ExchangeLogEntryRow[] = await dataSource.query(
    `SELECT ${ENTRY_COLUMNS} FROM exchange_log_entries e
       JOIN exchange_log_leaves l ON l.entry_id = e.id ORDER BY l.leaf_index`,
  );
  const tree = new MemoryMerkleTree();
  for (const row of rows) tree.append(leafHash(canonicalEntryBytes(entryFromRow(row))));
  return tree;
}

describe('the log sequencer', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('log_sequencer', 24);
  });
  afterAll(() => dataSource?.destroy());

  it('integrates an entry that commits after a later one, at the next index, never skipping it', async () => {
    const sequencer = new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 });
    const early = dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    const { entryId: lowerId } = await appendExchangeEvent(early.manager, stateChange(1));
    const { entryId: higherId } = await appendExchangeEvent(dataSource.manager, stateChange(2));
    expect(BigInt(lowerId)).toBeLessThan(BigInt(higherId));

    const first = await sequencer.integratePending();
    expect(first).toMatchObject({ leader: true, integrated: 1 });
    await early.commitTransaction();
    await early.release();
    const second = await sequencer.integratePending();
    expect(second).toMatchObject({ leader: true, integrated: 1 });

    const { leaves } = await integration(dataSource);
    const indexOf = (id: string) => leaves.find((leaf) => leaf.entry_id === id)?.leaf_index;
    expect(Number(indexOf(higherId))).toBe(first.treeSize - 1);
    expect(Number(indexOf(lowerId))).toBe(second.treeSize - 1);
    expect(second.treeSize).toBe(first.treeSize + 1);
  });

  it('reads past a transaction held open, yet integrates its entry and a running one when they commit', async () => {
    const options = { signingKey: key, checkpointIntervalMs: 0 };
    const sequencer = new LogSequencer(dataSource, options);
    await sequencer.integratePending();
    const open = async () => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      return runner;
    };
    // `holder` writes the lowest id and stays open (the snapshots' xmin); `running` has its transaction id
    // before the next batch's snapshot but writes its entry only after that batch.
    const holder = await open();
    const running = await open();
    try {
      const { entryId: heldId } = await appendExchangeEvent(holder.manager, stateChange(11));
      const [{ xid: heldTx }] = await holder.query('SELECT pg_current_xact_id()::text AS xid');
      await running.query('SELECT pg_current_xact_id()');
      const { entryId: firstId } = await appendExchangeEvent(dataSource.manager, stateChange(12));
      const first = await sequencer.integratePending();
      expect(first).toMatchObject({ integrated: 1 });

      const { entryId: runningId } = await appendExchangeEvent(running.manager, stateChange(13));
      await running.commitTransaction();
      const { entryId: nextId } = await appendExchangeEvent(dataSource.manager, stateChange(14));
      const second = await sequencer.integratePending();
      expect(second).toMatchObject({ integrated: 2, treeSize: first.treeSize + 2 });
      // The stored horizon (a restart's resume point) never passes the open transaction.
      const [{ below }] = await dataSource.query(
        `SELECT integrated_below_tx <= $1::xid8 AS below FROM exchange_log_checkpoints
          ORDER BY tree_size DESC LIMIT 1`,
        [heldTx],
      );
      expect(below).toBe(true);

      await holder.commitTransaction();
      // Another process (a new leader, or this one restarted) resumes from the checkpoint and finds it.
      const third = await new LogSequencer(dataSource, options).integratePending();
      expect(third).toMatchObject({ integrated: 1, treeSize: second.treeSize + 1 });
      expect(await sequencer.integrateBatch()).toMatchObject({ integrated: 0, treeSize: third.treeSize });

      const { leaves } = await integration(dataSource);
      const indexOf = (id: string) => Number(leaves.find((leaf) => leaf.entry_id === id)?.leaf_index);
      expect([firstId, runningId, nextId, heldId].map(indexOf)).toEqual([
        first.treeSize - 1,
        first.treeSize,
        first.treeSize + 1,
        first.treeSize + 2,
      ]);
      const checkpoint = await latestCheckpoint(dataSource.manager);
      const tree = await recomputedTree(dataSource);
      expect(checkpoint!.treeSize).toBe(third.treeSize);
      expect(tree.root().equals(checkpoint!.rootHash)).toBe(true);
    } finally {
      for (const runner of [holder, running]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }
  });

  it('integrates an entry that commits between a batch’s snapshot and its read once, not again', async () => {
    const sequencer = new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 });
    await sequencer.integratePending();
    await sequencer.integrateBatch(); // one drained batch: its snapshot is the cursor from here
    const running = dataSource.createQueryRunner();
    await running.connect();
    await running.startTransaction();
    const { entryId } = await appendExchangeEvent(running.manager, stateChange(15));
    await appendExchangeEvent(dataSource.manager, stateChange(16)); // committed: the batch has work
    // Commit right after the next batch has taken its snapshot (running then) and before it reads.
    const original = dataSource.transaction.bind(dataSource) as (
      work: (manager: EntityManager) => Promise<unknown>,
    ) => Promise<unknown>;
    const transactions = jest.spyOn(dataSource, 'transaction').mockImplementation(((
      work: (manager: EntityManager) => Promise<unknown>,
    ) =>
      original(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = async (sql: string, parameters?: unknown[]) => {
          const result = await query(sql, parameters);
          if (sql.includes('pg_current_snapshot() s') && running.isTransactionActive) {
            await running.commitTransaction();
          }
          return result;
        };
        return work(manager);
      })) as never);
    try {
      const caught = await sequencer.integrateBatch();
      expect(running.isTransactionActive).toBe(false);
      expect(caught).toMatchObject({ integrated: 2 });
    } finally {
      transactions.mockRestore();
      if (running.isTransactionActive) await running.rollbackTransaction();
      await running.release();
    }
    // Its transaction was running at that snapshot, so the next batch looks at it again: and finds its leaf.
    expect(await sequencer.integratePending()).toMatchObject({ integrated: 0 });
    const { leaves } = await integration(dataSource);
    expect(leaves.filter((leaf) => leaf.entry_id === entryId)).toHaveLength(1);
  });

  it('says a failing database once, not at every poll, and says when integration resumes', async () => {
    // Not connected yet: every cycle fails, as during a database outage, until it connects.
    const flaky = new DataSource(dataSource.options);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const sequencer = new LogSequencer(flaky, { signingKey: key, pollIntervalMs: 10 });
    try {
      sequencer.start();
      await sleep(300); // some 30 failed cycles
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/^integration failed: \w+; retrying$/)]]);
      expect(log).not.toHaveBeenCalled();
      await flaky.initialize();
      for (let waited = 0; log.mock.calls.length === 0 && waited < 10_000; waited += 50) await sleep(50);
      expect(log.mock.calls).toEqual([['integration resumed']]);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      await sequencer.stop();
      warn.mockRestore();
      log.mockRestore();
      if (flaky.isInitialized) await flaky.destroy();
    }
  });

  it('does nothing while another process holds the sequencer lock', async () => {
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK_KEY]);
      await appendExchangeEvent(dataSource.manager, stateChange(3));
      const outcome = await new LogSequencer(dataSource, { signingKey: key }).integrateBatch();
      expect(outcome).toEqual({ leader: false, integrated: 0, treeSize: 0, checkpointSize: null });
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('integrates every committed entry of many concurrent transactions exactly once, provably', async () => {
    // Two sequencers at once, as two broker processes would run them; small batches, frequent checkpoints.
    const options = { signingKey: key, batchSize: 50, checkpointIntervalMs: 50, pollIntervalMs: 10 };
    const sequencers = [new LogSequencer(dataSource, options), new LogSequencer(dataSource, options)];
    sequencers.forEach((sequencer) => sequencer.start());
    const rolledBackIds: string[] = [];
    const committedIds: string[] = [];
    const writers = Array.from({ length: 30 }, async (_, writer) => {
      for (let round = 0; round < 20; round += 1) {
        const ids: string[] = [];
        const rollBack = (writer + round) % 4 === 0;
        try {
          await dataSource.transaction(async (manager) => {
            for (let n = 0; n < 1 + ((writer * round) % 3); n += 1) {
              ids.push((await appendExchangeEvent(manager, stateChange(writer * 100 + round))).entryId);
              // Hold the transaction open a little, so ids commit out of order.
              await sleep((writer * 7 + round * 3) % 5);
            }
            if (rollBack) throw new RolledBack();
          });
          committedIds.push(...ids);
        } catch (error) {
          if (!(error instanceof RolledBack)) throw error;
          rolledBackIds.push(...ids);
        }
      }
    });
    await Promise.all(writers);
    // Whatever the running sequencers have not done yet, one more pass does (and checkpoints it).
    await Promise.all(sequencers.map((sequencer) => sequencer.stop()));
    await new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 }).integratePending();

    expect(rolledBackIds.length).toBeGreaterThan(0);
    const { leaves, entryIds } = await integration(dataSource);
    expect(entryIds).toEqual(expect.arrayContaining(committedIds));
    expect(rolledBackIds.filter((id) => entryIds.includes(id))).toEqual([]);
    expect(leaves.map((leaf) => Number(leaf.leaf_index))).toEqual(leaves.map((_, index) => index));
    expect(leaves.map((leaf) => leaf.entry_id).sort()).toEqual([...entryIds].sort());

    const checkpoint = await latestCheckpoint(dataSource.manager);
    const { checkpoint: signed } = openCheckpoint(checkpoint!.signedNote, [VERIFIER], key.name);
    expect(signed.size).toBe(leaves.length);
    expect(signed.rootHash.equals(checkpoint!.rootHash)).toBe(true);
    const tree = await recomputedTree(dataSource);
    expect(tree.size).toBe(signed.size);
    expect(tree.root().equals(signed.rootHash)).toBe(true);

    // A sample of the entries (every proof would be one query each; the root above covers all of them).
    for (const entryId of committedIds.filter((_, index) => index % 10 === 0)) {
      const inclusion = await inclusionProofForEntry(dataSource.manager, entryId);
      const entry = await readExchangeLogEntry(dataSource.manager, entryId);
      const leaf = leafHash(canonicalEntryBytes(entry!));
      expect(verifyInclusion(leaf, inclusion.leafIndex, signed.size, inclusion.proof, signed.rootHash)).toBe(
        true,
      );
    }

    const sizes: Array<{ tree_size: string; root_hash: Buffer }> = await dataSource.query(
      'SELECT tree_size, root_hash FROM exchange_log_checkpoints ORDER BY tree_size',
    );
    expect(sizes.length).toBeGreaterThan(2);
    for (const earlier of sizes) {
      const from = Number(earlier.tree_size);
      const proof = await consistencyProofBetween(dataSource.manager, from, signed.size);
      expect(verifyConsistency(from, signed.size, earlier.root_hash, signed.rootHash, proof)).toBe(true);
    }
  });

  it('when idle, polls without a transaction and still integrates what commits next, late commits too', async () => {
    const sequencer = new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 });
    await sequencer.integratePending();
    const transactions = jest.spyOn(dataSource, 'transaction');
    try {
      // The first empty batch runs in a transaction; the next one only asks whether there is work.
      expect(await sequencer.integrateBatch()).toMatchObject({ leader: true, integrated: 0 });
      transactions.mockClear();
      const idle = await sequencer.integrateBatch();
      expect(idle).toMatchObject({ leader: true, integrated: 0, checkpointSize: null });
      expect(transactions).not.toHaveBeenCalled();

      const late = dataSource.createQueryRunner();
      await late.connect();
      await late.startTransaction();
      const { entryId: lateId } = await appendExchangeEvent(late.manager, stateChange(5));
      const { entryId: nextId } = await appendExchangeEvent(dataSource.manager, stateChange(6));
      const first = await sequencer.integrateBatch();
      expect(first).toMatchObject({
        integrated: 1,
        treeSize: idle.treeSize + 1,
        checkpointSize: idle.treeSize + 1,
      });
      expect(await sequencer.integrateBatch()).toMatchObject({ integrated: 0 });
      await late.commitTransaction();
      await late.release();
      const second = await sequencer.integrateBatch();
      expect(second).toMatchObject({
        integrated: 1,
        treeSize: idle.treeSize + 2,
        checkpointSize: idle.treeSize + 2,
      });

      const { leaves } = await integration(dataSource);
      const indexOf = (id: string) => Number(leaves.find((leaf) => leaf.entry_id === id)?.leaf_index);
      expect([indexOf(nextId), indexOf(lateId)]).toEqual([idle.treeSize, idle.treeSize + 1]);
    } finally {
      transactions.mockRestore();
    }
  });

  it('an idle sequencer notices that another moved the tree on, and continues from there', async () => {
    const options = { signingKey: key, checkpointIntervalMs: 0 };
    const idleOne = new LogSequencer(dataSource, options);
    await idleOne.integratePending();
    await idleOne.integrateBatch(); // idle now, with the tree in memory
    await appendExchangeEvent(dataSource.manager, stateChange(7));
    const other = await new LogSequencer(dataSource, options).integratePending();
    expect(other).toMatchObject({ integrated: 1 });

    expect(await idleOne.integrateBatch()).toMatchObject({ integrated: 0, treeSize: other.treeSize });
    await appendExchangeEvent(dataSource.manager, stateChange(8));
    const outcome = await idleOne.integrateBatch();
    expect(outcome).toMatchObject({ integrated: 1, treeSize: other.treeSize + 1 });

    const checkpoint = await latestCheckpoint(dataSource.manager);
    const { checkpoint: signed } = openCheckpoint(checkpoint!.signedNote, [VERIFIER], key.name);
    const tree = await recomputedTree(dataSource);
    expect(signed.size).toBe(outcome.treeSize);
    expect(tree.size).toBe(signed.size);
    expect(tree.root().equals(signed.rootHash)).toBe(true);
  });

  it('answers what it cannot prove with a stable code', async () => {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        (error: unknown) => (error instanceof ExchangeLogReadError ? error.code : String(error)),
      );
    const { entryId } = await appendExchangeEvent(dataSource.manager, stateChange(4));
    const latest = await latestCheckpoint(dataSource.manager);
    expect(await code(inclusionProofForEntry(dataSource.manager, entryId))).toBe(
      'LOG_ENTRY_NOT_YET_INTEGRATED',
    );
    expect(await code(inclusionProofForEntry(dataSource.manager, '999999999999'))).toBe(
      'LOG_ENTRY_NOT_FOUND',
    );
    expect(await code(consistencyProofBetween(dataSource.manager, 1, latest!.treeSize + 1))).toBe(
      'LOG_TREE_SIZE_OUT_OF_RANGE',
    );
    expect(await code(consistencyProofBetween(dataSource.manager, 0, latest!.treeSize))).toBe(
      'LOG_TREE_SIZE_OUT_OF_RANGE',
    );
    await expect(
      new PostgresSubtreeHashes(dataSource.manager).subtreeHashes([{ level: 40, index: 0 }]),
    ).rejects.toThrow(MissingTreeNodeError);
  });
});
