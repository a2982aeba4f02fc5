import { RELEASE_QUEUE } from '@app/queues';
import { EvidenceRepository, type ReleaseJob, releaseJobId } from '@app/transfers';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { SweepTimer } from '../sweep-timer';
import type { RelaySettings } from '../release-worker.config';

export const RELAY_SETTINGS = Symbol('RELAY_SETTINGS');

/** Rows per relay round: bounded, so one round never holds a long list in memory. */
const RELAY_BATCH = 100;
/** Jobs that failed every attempt are kept this long for the operator; the relay retries them later. */
const KEEP_FAILED_JOBS = 1000;

/**
 * Turns release outbox rows into queue jobs. A row is marked only after the queue took its job, so a
 * Redis that is down loses nothing (the next round tries again); a relayed row whose transfer still waits
 * in `release_queued` after `recheckAfterSeconds` is added again, since a flushed Redis loses jobs.
 * Several relays may run: job ids dedupe, and the worker releases once whatever it is given.
 */
@Injectable()
export class ReleaseRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReleaseRelay');
  private readonly timer = new SweepTimer(this.logger, 'relay round');

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(RELEASE_QUEUE) private readonly queue: Queue<ReleaseJob>,
    @Inject(RELAY_SETTINGS) private readonly settings: RelaySettings,
  ) {}

  onApplicationBootstrap(): void {
    // A failed round marked nothing: the next tick tries its rows again.
    this.timer.start(this.settings.everyMs, async () => {
      await this.relay();
    });
  }

  /** One round: adds a job for every row to relay, then marks them. Answers how many rows it relayed. */
  async relay(now: Date = new Date()): Promise<number> {
    const outbox = new EvidenceRepository(this.dataSource.manager);
    const staleBefore = new Date(now.getTime() - this.settings.recheckAfterSeconds * 1000);
    const rows = await outbox.toRelay(staleBefore, RELAY_BATCH);
    const jobOf = (row: (typeof rows)[number]) => {
      const data: ReleaseJob = { transferId: row.transferId, versionHash: row.versionHash };
      const opts = {
        jobId: releaseJobId(data),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: KEEP_FAILED_JOBS,
      };
      return { name: 'release', data, opts };
    };
    // Rows never relayed have no job yet: added together, one round trip to Redis (issue #13).
    const fresh = rows.filter((row) => row.relayedAt === null);
    if (fresh.length > 0) await this.queue.addBulk(fresh.map(jobOf));
    for (const row of rows.filter((candidate) => candidate.relayedAt !== null)) {
      const job = jobOf(row);
      const existing = await this.queue.getJob(job.opts.jobId);
      // A job that failed all its attempts keeps its id; adding it again would be ignored.
      if (existing && (await existing.isFailed())) await existing.retry('failed');
      else await this.queue.add(job.name, job.data, job.opts);
    }
    await outbox.markRelayed(
      rows.map((row) => row.id),
      now,
    );
    return rows.length;
  }

  /** A step committed an outbox row (see `OutboxWakeups`): a round now rather than at the next tick. */
  wake(): void {
    this.timer.wake();
  }

  onModuleDestroy(): Promise<void> {
    return this.timer.stop();
  }
}
