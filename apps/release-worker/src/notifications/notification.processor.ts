import { NOTIFICATION_QUEUE } from '@app/queues';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import {
  type NotificationAttempt,
  type NotificationAttemptOutcome,
  NotificationRepository,
  recordNotificationAttempt,
} from '@app/transfers';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { nextAttemptAt } from './notification-backoff';
import type { NotificationSettings } from './notification.config';
import { NOTIFICATION_SETTINGS, type NotificationJob } from './notification.relay';
import {
  type BrokerIdentity,
  type DeliveryResult,
  type NotificationPayload,
  deliverNotification,
  identityStamp,
  loadBrokerIdentity,
} from './webhook-delivery';
import { WebhookConnections } from './webhook-connections';

/** Attempts in flight at once per worker: receivers are slow or down, not the broker. */
const CONCURRENT_ATTEMPTS = 4;
/** Below the usual receiver keep-alive; a receiver's shorter `Keep-Alive: timeout` hint wins. */
const IDLE_CONNECTION_MS = 15_000;
/** Vendors with kept-alive connections at once (there are tens); beyond it the least recent close. */
const POOLED_ENDPOINTS = 1000;

/**
 * One delivery attempt per job: reads the open row and its vendor's webhook, POSTs the signed payload,
 * then records the result (delivered, retry after a backoff, or dead letter) with its log entry. A row
 * already delivered or dead is not sent again.
 */
@Processor(NOTIFICATION_QUEUE, { concurrency: CONCURRENT_ATTEMPTS })
export class NotificationProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger('NotificationProcessor');
  private identity: { stamp: string; loaded: BrokerIdentity | null } | undefined;
  private readonly connections = new WebhookConnections({
    socketsPerEndpoint: CONCURRENT_ATTEMPTS,
    idleMs: IDLE_CONNECTION_MS,
    endpoints: POOLED_ENDPOINTS,
  });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {
    super();
  }

  async process(job: Job<NotificationJob>): Promise<NotificationAttemptOutcome> {
    const id = job.data.notificationId;
    const row = await new NotificationRepository(this.dataSource.manager).openForDelivery(id, {
      lock: false,
    });
    if (row === null) return 'nothing';
    const identity = this.brokerIdentity();
    let result: DeliveryResult;
    if (row.webhookUrl === null) result = { delivered: false, failure: 'no_webhook' };
    else if (identity === null) result = { delivered: false, failure: 'broker_identity_missing' };
    else {
      const payload: NotificationPayload = {
        id: row.id,
        type: row.kind,
        transferId: row.transferId,
        versionHash: row.versionHash,
        at: row.createdAt.toISOString(),
      };
      const agent = this.connections.agentFor(row.vendorId, row.webhookUrl, identity);
      result = await deliverNotification(row.webhookUrl, payload, identity, agent, this.settings.timeoutMs);
    }
    const at = new Date();
    const attempt: NotificationAttempt = result.delivered
      ? result
      : {
          ...result,
          // A vendor that cleared its webhook polls its inbox: no further attempt.
          nextAttemptAt: row.webhookUrl === null ? null : nextAttemptAt(row.attempts + 1, at, this.settings),
        };
    return recordNotificationAttempt(this.dataSource, TRANSFER_LOG_RECORDER, id, attempt, at);
  }

  /** A job that threw (the database unreachable, a bug): its row comes back when its lease runs out. */
  @OnWorkerEvent('failed')
  onFailed(_job: Job<NotificationJob> | undefined, error: Error): void {
    // The class name only: messages may quote values.
    this.logger.warn(`notification attempt failed before it was recorded: ${error.name}`);
  }

  onModuleDestroy(): void {
    this.connections.closeAll();
  }

  /**
   * Read on first use, so a worker without the files still releases (each attempt fails until they
   * exist); read again when a file changed (a rotated certificate or key, changed trust), which also
   * closes every connection made under the old identity.
   */
  private brokerIdentity(): BrokerIdentity | null {
    const stamp = identityStamp(this.settings);
    if (this.identity?.stamp === stamp) return this.identity.loaded;
    try {
      this.identity = { stamp, loaded: loadBrokerIdentity(this.settings) };
    } catch (error) {
      this.identity = { stamp, loaded: null };
      this.logger.warn(
        `cannot read the broker's signing key or client certificate for notifications ` +
          `(${(error as { code?: string }).code ?? (error as Error).name}); see docs/operator-guide.md, "Notifications"`,
      );
    }
    return this.identity.loaded;
  }
}
