import { RegistryBoardInstructions } from '@app/registry';
import {
  type MetadataTerms,
  type PayloadPurgeCount,
  type RetentionSettings,
  deleteOverdueMetadata,
  purgeOverduePayloads,
} from '@app/transfers';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SweepTimer } from '../sweep-timer';

export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');

/** What one retention round did: payload keys destroyed, transfers purged, transfers' metadata deleted. */
export interface RetentionRound extends PayloadPurgeCount {
  metadata: number;
}

/**
 * Retention (issue #11, item 7), every `RETENTION_SWEEP_SECONDS`: destroys the payloads whose purpose
 * ended longer ago than their term, ends the transfers left without one (`purged`), then deletes the
 * metadata of purged transfers past their board's term. A timer in every worker, like the expiry sweep:
 * rows are locked with SKIP LOCKED (the metadata function locks its transfer), so workers never do a
 * step twice.
 */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RetentionSweep');
  private readonly timer = new SweepTimer(this.logger, 'retention sweep');
  private readonly boards: MetadataTerms;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
  ) {
    this.boards = new RegistryBoardInstructions(dataSource);
  }

  onApplicationBootstrap(): void {
    this.timer.start(this.settings.sweepSeconds * 1000, async () => {
      await this.sweep();
    });
  }

  /** One round at `now` (tests pass a clock). */
  async sweep(now: Date = new Date()): Promise<RetentionRound> {
    const purged = await purgeOverduePayloads(
      this.dataSource,
      TRANSFER_LOG_RECORDER,
      this.settings.payloadTerms,
      now,
    );
    const metadata = await deleteOverdueMetadata(this.dataSource, TRANSFER_LOG_RECORDER, this.boards, now);
    const round = { ...purged, metadata };
    if (purged.payloads + purged.transfers + metadata > 0) {
      this.logger.log(
        `retention: ${purged.payloads} payload(s) destroyed, ${purged.transfers} transfer(s) purged, ${metadata} transfer(s)' metadata deleted`,
      );
    }
    return round;
  }

  onModuleDestroy(): Promise<void> {
    return this.timer.stop();
  }
}
