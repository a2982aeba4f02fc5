import { expireOverdueTransfers } from '@app/transfers';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SweepTimer } from '../sweep-timer';

export const EXPIRY_SWEEP_SECONDS = Symbol('EXPIRY_SWEEP_SECONDS');

/**
 * Expires open requests past their `expiresAt` (the broker's `expire` step, logged), every
 * `TRANSFER_EXPIRY_SWEEP_SECONDS`. A timer in every worker, not a queue job: the sweep locks rows with
 * SKIP LOCKED, so workers sweeping at once never expire a transfer twice, and it needs no Redis.
 */
@Injectable()
export class RequestExpirySweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RequestExpirySweep');
  private readonly timer = new SweepTimer(this.logger, 'expiry sweep');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EXPIRY_SWEEP_SECONDS) private readonly everySeconds: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer.start(this.everySeconds * 1000, async () => {
      await this.sweep();
    });
  }

  /** One round at `now` (tests pass a clock); answers how many requests it expired. */
  async sweep(now: Date = new Date()): Promise<number> {
    const expired = await expireOverdueTransfers(this.dataSource, TRANSFER_LOG_RECORDER, now);
    if (expired > 0) this.logger.log(`${expired} request(s) expired`);
    return expired;
  }

  onModuleDestroy(): Promise<void> {
    return this.timer.stop();
  }
}
