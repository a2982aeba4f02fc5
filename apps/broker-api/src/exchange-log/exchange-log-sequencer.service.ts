import { BROKER_RUNTIME_ROLE, BROKER_SCHEMA } from '@app/broker-schema';
import { LogSequencer, SEQUENCER_LEADER_LOCK_KEY, SEQUENCER_LEADER_ROLE } from '@app/exchange-log';
import { LeaderLease, connectWithRetry, dataSourceOptions, deadPeerSessionSettings } from '@app/persistence';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BrokerApiConfig } from '../broker-api.config';
import { BROKER_API_CONFIG } from '../broker-api.tokens';

/** One transaction at a time, plus one spare: the sequencer never competes with requests for the pool. */
const SEQUENCER_POOL_SIZE = 2;

/** What this process does for the exchange log's sequencer (health may show it: no personal data). */
export type SequencerRole = 'leader' | 'standby' | 'stopped';

/**
 * Runs the exchange log's sequencer in exactly one broker API process at a time: every process holds a
 * leader lease (a session advisory lock on its own connection, `oso-leader:log-sequencer:<pid>`), and only
 * the one that wins runs the sequencer, which integrates committed entries into the Merkle tree and signs
 * a checkpoint at least every second while entries arrive. The others are standbys that try again every
 * second; when the leader dies or loses its connection, one of them takes over. The per-batch advisory
 * lock stays as the fence, so a leader that has not yet noticed its loss still cannot integrate twice.
 * Its own small pool keeps its batches off the request path's connections.
 */
@Injectable()
export class ExchangeLogSequencerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private dataSource: DataSource | undefined;
  private sequencer: LogSequencer | undefined;
  private lease: LeaderLease | undefined;

  constructor(@Inject(BROKER_API_CONFIG) private readonly config: BrokerApiConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const options = dataSourceOptions(this.config.database.url, BROKER_SCHEMA, {
      // The sequencer only adds leaves, subtree hashes and checkpoints: the runtime role suffices.
      runAs: BROKER_RUNTIME_ROLE,
      poolSize: SEQUENCER_POOL_SIZE,
      applicationName: 'oso-broker-sequencer',
    });
    // A leader whose host vanished mid-batch holds the per-batch lock in that session: PostgreSQL ends it
    // as soon as it ends the lease's, or the new leader could not integrate until the OS gave up (hours).
    const extra = options.extra as { options?: string };
    extra.options = [extra.options, deadPeerSessionSettings()].filter(Boolean).join(' ');
    this.dataSource = await connectWithRetry(new DataSource(options), this.config.database);
    const sequencer = new LogSequencer(this.dataSource, { signingKey: this.config.exchangeLog.signingKey });
    this.sequencer = sequencer;
    this.lease = new LeaderLease({
      url: this.config.database.url,
      role: SEQUENCER_LEADER_ROLE,
      lockKey: SEQUENCER_LEADER_LOCK_KEY,
      runAs: BROKER_RUNTIME_ROLE,
      onLead: () => sequencer.start(),
      // The batch in flight finishes (or rolls back) before the role counts as stopped.
      onStepDown: () => sequencer.stop(),
    });
    this.lease.start();
  }

  /** The sequencer's own pool, while it runs (the tests check as whom it acts). */
  get connections(): DataSource | undefined {
    return this.dataSource;
  }

  /** Whether this process runs the sequencer now. */
  get role(): SequencerRole {
    if (!this.lease) return 'stopped';
    return this.lease.leading ? 'leader' : 'standby';
  }

  async onApplicationShutdown(): Promise<void> {
    // Steps down first (the sequencer's batch in flight finishes), then frees the lock for a standby.
    await this.lease?.stop();
    this.lease = undefined;
    await this.sequencer?.stop();
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}
