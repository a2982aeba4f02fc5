import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LogSigningKey, formatCheckpoint, signNote } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { CompletedSubtree, MerkleFrontier, leafHash } from '../merkle';
import { ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import {
  UnfinishedTransactions,
  readPendingEntries,
  treeSizeAndPending,
  treeSizeAndSnapshot,
  tryTransactionLock,
  unfinishedFrom,
} from './pending-entries';
import { PostgresSubtreeHashes } from './postgres-subtree-hashes';

const { leaves, treeNodes, checkpoints } = EXCHANGE_LOG_TABLES;

/**
 * pg_advisory lock key taken per batch (transaction-level): one batch integrates at a time, across every
 * broker process. It is the fence: even a leader that has not yet noticed it lost its lease (below)
 * cannot integrate alongside the new one.
 */
export const SEQUENCER_LOCK_KEY = 7_305_190_010;

/**
 * pg_advisory lock key of the sequencer's leader lease (session-level, on the lease's own connection):
 * which process runs the sequencer at all. A different key from the per-batch fence above.
 */
export const SEQUENCER_LEADER_LOCK_KEY = 7_305_190_011;

/** The lease role of the sequencer: its leader's connection is `oso-leader:log-sequencer:<pid>`. */
export const SEQUENCER_LEADER_ROLE = 'log-sequencer';

export interface LogSequencerOptions {
  signingKey: LogSigningKey;
  /** The most entries one transaction integrates. */
  batchSize?: number;
  /** A new checkpoint at most this often, and this soon after entries arrive (the issue: every second). */
  checkpointIntervalMs?: number;
  /** How often the running sequencer looks for committed entries. */
  pollIntervalMs?: number;
  clock?: () => Date;
}

export interface BatchOutcome {
  /** False when another process holds the sequencer lock; nothing was done. */
  leader: boolean;
  integrated: number;
  treeSize: number;
  checkpointSize: number | null;
}

interface SequencerState {
  frontier: MerkleFrontier;
  /** Every committed entry of a transaction with an id below this is integrated (xid8 as text; stored). */
  integratedBelowTx: string;
  /** Finer, in memory only: the transactions not known finished, whose entries the next batch reads. */
  unfinished: UnfinishedTransactions;
  lastCheckpointSize: number;
  lastCheckpointAt: number;
  /** The last batch found nothing: the next poll first asks, outside a transaction, whether to run one. */
  idle: boolean;
}

/**
 * Integrates committed entries into the Merkle tree, off the request path. Entries get their ids from a
 * sequence when inserted, but commit in any order, and rolled-back ones leave gaps; so the sequencer never
 * trusts the ids to say what is final. It asks PostgreSQL instead: every transaction older than the
 * snapshot's xmin has finished, so an entry written by one is committed-and-visible or never will be; so has
 * every transaction below the snapshot's xmax that is not in its list of running ones. Each batch takes the
 * entries not yet integrated (anti-join on the leaves) of the transactions the previous batch's snapshot
 * did not see finished, in id order, and gives them the next contiguous leaf indexes; an entry that commits
 * late simply joins a later batch at the next index. Checkpoints store the coarser xmin, for restarts.
 * Nothing is skipped, nothing integrated twice (the leaves' unique keys would refuse it even if the advisory
 * lock failed).
 */
export class LogSequencer {
  private readonly logger = new Logger('LogSequencer');
  private readonly batchSize: number;
  private readonly checkpointIntervalMs: number;
  private readonly pollIntervalMs: number;
  private readonly clock: () => Date;
  private state: SequencerState | null = null;
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | null = null;
  private stopped = true;
  /** The last cycle failed: the next failure is not logged again. */
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LogSequencerOptions,
  ) {
    this.batchSize = options.batchSize ?? 5_000;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Polls until `stop`: integrates every committed entry, checkpoints while entries arrive. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // Started again after a pause (leadership lost and won back): another leader may have moved the log on.
    this.state = null;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.cycle;
  }

  /** Integrates until nothing committed is left; returns the last batch's outcome. */
  async integratePending(): Promise<BatchOutcome> {
    for (;;) {
      const outcome = await this.integrateBatch();
      if (!outcome.leader || outcome.integrated < this.batchSize) return outcome;
    }
  }

  /** One transaction: integrate up to batchSize committed entries, and checkpoint when one is due. */
  async integrateBatch(): Promise<BatchOutcome> {
    if (await this.nothingToDo()) {
      const size = this.state!.frontier.size;
      return { leader: true, integrated: 0, treeSize: size, checkpointSize: null };
    }
    let committedState: SequencerState | null = null;
    const outcome = await this.inTransaction(async (manager) => {
      if (!(await tryTransactionLock(manager, SEQUENCER_LOCK_KEY))) {
        return { leader: false, integrated: 0, treeSize: 0, checkpointSize: null };
      }
      // Under the lock, before the entries are read: no earlier batch is still running, and any
      // transaction the snapshot saw finished is visible to the read.
      const { treeSize, snapshot } = await treeSizeAndSnapshot(manager);
      const state = await this.currentState(manager, treeSize);
      const rows = await readPendingEntries(manager, state.unfinished, this.batchSize);
      await this.storeLeaves(manager, state.frontier, rows);
      // A full batch may have left older entries behind: keep the old horizon until a batch drains.
      if (rows.length < this.batchSize) {
        state.integratedBelowTx = snapshot.horizon;
        state.unfinished = { fromTx: snapshot.nextTx, runningTxs: snapshot.runningTxs, leavesFrom: treeSize };
      }
      const checkpointSize = await this.checkpointIfDue(manager, state);
      state.idle = rows.length === 0;
      committedState = state;
      return { leader: true, integrated: rows.length, treeSize: state.frontier.size, checkpointSize };
    });
    // Only a committed transaction moves the sequencer on; after a failure it reloads from the database.
    this.state = committedState;
    return outcome;
  }

  /**
   * After an empty batch, one autocommit query decides whether the next needs a transaction at all: an
   * idle broker then costs one cheap statement a poll, not a transaction (five round trips). It proves nothing by
   * itself — a batch re-reads everything under the lock — so a stale answer only delays work a poll.
   */
  private async nothingToDo(): Promise<boolean> {
    const state = this.state;
    if (!state?.idle || this.checkpointDue(state, this.clock().getTime())) return false;
    const { treeSize, pending } = await treeSizeAndPending(this.dataSource.manager, state.unfinished);
    // Another process moved the tree on: this one is no longer the integrator it was.
    if (treeSize !== state.frontier.size) this.state = null;
    return this.state !== null && !pending;
  }

  /** After a failed transaction the in-memory tree may be ahead of the database: forget it. */
  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      this.state = null;
      throw error;
    }
  }

  private async storeLeaves(
    manager: EntityManager,
    frontier: MerkleFrontier,
    rows: ExchangeLogEntryRow[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const firstIndex = frontier.size;
    const nodes: CompletedSubtree[] = [];
    for (const row of rows) nodes.push(...frontier.append(leafHash(canonicalEntryBytes(entryFromRow(row)))));
    await manager.query(
      `INSERT INTO ${leaves} (leaf_index, entry_id)
       SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
      [rows.map((_, offset) => firstIndex + offset), rows.map((row) => row.id)],
    );
    await manager.query(
      `INSERT INTO ${treeNodes} (level, node_index, hash)
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [nodes.map((node) => node.level), nodes.map((node) => node.index), nodes.map((node) => node.hash)],
    );
  }

  private checkpointDue(state: SequencerState, now: number): boolean {
    return (
      state.frontier.size !== state.lastCheckpointSize &&
      now - state.lastCheckpointAt >= this.checkpointIntervalMs
    );
  }

  private async checkpointIfDue(manager: EntityManager, state: SequencerState): Promise<number | null> {
    const size = state.frontier.size;
    const now = this.clock().getTime();
    if (!this.checkpointDue(state, now)) return null;
    const rootHash = state.frontier.root();
    const key = this.options.signingKey;
    const note = signNote(formatCheckpoint({ origin: key.name, size, rootHash }), key);
    await manager.query(
      `INSERT INTO ${checkpoints} (tree_size, root_hash, signed_note, created_at, integrated_below_tx)
       VALUES ($1, $2, $3, $4, $5::xid8)`,
      [size, rootHash, note, new Date(now), state.integratedBelowTx],
    );
    state.lastCheckpointSize = size;
    state.lastCheckpointAt = now;
    return size;
  }

  /** The state in memory, or read afresh when another sequencer moved the tree on since (or at first). */
  private async currentState(manager: EntityManager, treeSize: number): Promise<SequencerState> {
    if (this.state && this.state.frontier.size === treeSize) return this.state;
    const frontier = await MerkleFrontier.of(treeSize, new PostgresSubtreeHashes(manager));
    // A horizon above this snapshot's xmin was not taken in this cluster: the log was restored from one
    // whose transaction ids ran further (pg_restore keeps the xid8 values, not the counter), and entries
    // written here would stay below it forever. Then look at every entry not yet integrated, once.
    const latest: Array<{ tree_size: string; created_at: Date; integrated_below_tx: string }> =
      await manager.query(
        `SELECT tree_size, created_at,
                CASE WHEN integrated_below_tx > pg_snapshot_xmin(pg_current_snapshot()) THEN '0'
                     ELSE integrated_below_tx::text END AS integrated_below_tx
           FROM ${checkpoints} ORDER BY tree_size DESC LIMIT 1`,
      );
    // No checkpoint yet: look at every entry once.
    const integratedBelowTx = latest[0]?.integrated_below_tx ?? '0';
    return {
      frontier,
      integratedBelowTx,
      // Which of the later transactions had finished is known only to the process that saw them.
      unfinished: unfinishedFrom(integratedBelowTx),
      lastCheckpointSize: latest[0] ? Number(latest[0].tree_size) : 0,
      lastCheckpointAt: latest[0] ? latest[0].created_at.getTime() : 0,
      idle: false,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.cycle = this.integratePending()
        .then(
          () => {
            if (this.failing) this.logger.log('integration resumed');
            this.failing = false;
          },
          (error: unknown) => {
            // Retried at the next tick. Said once per outage, not at every poll; the class name only,
            // as messages may quote values.
            if (!this.failing) {
              this.logger.warn(
                `integration failed: ${error instanceof Error ? error.name : typeof error}; retrying`,
              );
            }
            this.failing = true;
          },
        )
        .finally(() => this.schedule(this.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
