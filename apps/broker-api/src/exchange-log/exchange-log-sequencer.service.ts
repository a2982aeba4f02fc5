import { BROKER_RUNTIME_ROLE, BROKER_SCHEMA } from '@app/broker-schema';
import { LogSequencer } from '@app/exchange-log';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BrokerApiConfig } from '../broker-api.config';
import { BROKER_API_CONFIG } from '../broker-api.tokens';

/** One transaction at a time, plus one spare: the sequencer never competes with requests for the pool. */
const SEQUENCER_POOL_SIZE = 2;

/**
 * Runs the exchange log's sequencer inside every broker API process, from bootstrap to shutdown: it
 * integrates committed entries into the Merkle tree and signs a checkpoint at least every second while
 * entries arrive. Every process runs one; the sequencer's advisory lock lets one integrate at a time, so
 * a second process is a warm stand-in, not a second writer. Its own small pool keeps its batches off the
 * request path's connections.
 */
@Injectable()
export class ExchangeLogSequencerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private dataSource: DataSource | undefined;
  private sequencer: LogSequencer | undefined;

  constructor(@Inject(BROKER_API_CONFIG) private readonly config: BrokerApiConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    this.dataSource = await connectWithRetry(
      new DataSource(
        dataSourceOptions(this.config.database.url, BROKER_SCHEMA, {
          // The sequencer only adds leaves, subtree hashes and checkpoints: the runtime role suffices.
          runAs: BROKER_RUNTIME_ROLE,
          poolSize: SEQUENCER_POOL_SIZE,
          applicationName: 'oso-broker-sequencer',
        }),
      ),
      this.config.database,
    );
    this.sequencer = new LogSequencer(this.dataSource, { signingKey: this.config.exchangeLog.signingKey });
    this.sequencer.start();
  }

  /** The sequencer's own pool, while it runs (the tests check as whom it acts). */
  get connections(): DataSource | undefined {
    return this.dataSource;
  }

  async onApplicationShutdown(): Promise<void> {
    // The batch in flight finishes (or rolls back) before the pool closes.
    await this.sequencer?.stop();
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}
