import { RELEASE_QUEUE } from '@app/queues';
import { type ReleaseJob, type ReleaseOutcome, releaseQueuedTransfer } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';

/**
 * Releases a queued transfer: one transaction that locks it, asks the gate again and releases (see
 * `releaseQueuedTransfer`). A job delivered twice, or to two workers, releases once.
 */
@Processor(RELEASE_QUEUE)
export class ReleaseProcessor extends WorkerHost {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DossierVault) private readonly vault: DossierVault,
  ) {
    super();
  }

  process(job: Job<ReleaseJob>): Promise<ReleaseOutcome> {
    const { transferId, versionHash } = job.data;
    return releaseQueuedTransfer(
      this.dataSource,
      this.vault,
      TRANSFER_LOG_RECORDER,
      { transferId, versionHash },
      new Date(),
    );
  }
}
