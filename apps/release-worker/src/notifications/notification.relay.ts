import { NOTIFICATION_QUEUE, notificationJobId } from '@app/queues';
import { NotificationRepository } from '@app/transfers';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { SweepTimer } from '../sweep-timer';
import type { NotificationSettings } from './notification.config';

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

/** The one thing a notification job carries: its outbox row. */
export interface NotificationJob {
  notificationId: string;
}

/** Rows per relay round: bounded, so one round never holds a long list in memory. */
const RELAY_BATCH = 100;

/**
 * Hands due notifications to the queue. Each round leases the due rows (their next attempt moves to
 * the end of the lease) and adds one job per row; a job lost with Redis, or never added because Redis
 * was down, comes back when the lease runs out. PostgreSQL holds the attempts and their schedule; the
 * queue only carries the work. Several relays may run: the lease takes rows with SKIP LOCKED, and job ids
 * dedupe.
 */
@Injectable()
export class NotificationRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('NotificationRelay');
  private readonly timer = new SweepTimer(this.logger, 'notification relay round');

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(NOTIFICATION_QUEUE) private readonly queue: Queue<NotificationJob>,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  onApplicationBootstrap(): void {
    // A failed round is retried at the next tick (for notifications: its leased rows come back after
    // the lease).
    this.timer.start(this.settings.everyMs, async () => {
      await this.relay();
    });
  }

  /** One round: leases the due rows and adds their jobs. Answers how many it handed on. */
  async relay(now: Date = new Date()): Promise<number> {
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    const ids = await new NotificationRepository(this.dataSource.manager).leaseDue(
      now,
      leaseUntil,
      RELAY_BATCH,
    );
    // One round trip to Redis for the whole round, not one per row (issue #13).
    if (ids.length > 0) {
      await this.queue.addBulk(
        ids.map((notificationId) => ({
          name: 'notify',
          data: { notificationId },
          opts: {
            jobId: notificationJobId(notificationId),
            // Retries are the outbox's (backoff with jitter, in PostgreSQL), not BullMQ's.
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
    return ids.length;
  }

  /** A step committed an outbox row (see `OutboxWakeups`): a round now rather than at the next tick. */
  wake(): void {
    this.timer.wake();
  }

  onModuleDestroy(): Promise<void> {
    return this.timer.stop();
  }
}
