import { NOTIFICATION_QUEUE, notificationJobId } from '@app/queues';
import { NotificationRepository } from '@app/transfers';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(NOTIFICATION_QUEUE) private readonly queue: Queue<NotificationJob>,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.settings.everyMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.relay().catch((error: unknown) => {
      // The leased rows come back after the lease; the class name only, messages may quote values.
      this.logger.warn(
        `notification relay round failed: ${error instanceof Error ? error.name : typeof error}`,
      );
      return 0;
    });
    await this.running;
    this.running = undefined;
  }

  /** One round: leases the due rows and adds their jobs. Answers how many it handed on. */
  async relay(now: Date = new Date()): Promise<number> {
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    const ids = await new NotificationRepository(this.dataSource.manager).leaseDue(
      now,
      leaseUntil,
      RELAY_BATCH,
    );
    for (const notificationId of ids) {
      await this.queue.add(
        'notify',
        { notificationId },
        {
          jobId: notificationJobId(notificationId),
          // Retries are the outbox's (backoff with jitter, in PostgreSQL), not BullMQ's.
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    }
    return ids.length;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
