import { NOTIFICATION_OUTBOX_CHANNEL, RELEASE_OUTBOX_CHANNEL } from '@app/transfers';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { NotificationRelay } from './notifications/notification.relay';
import { ReleaseRelay } from './release/release-relay';

/** How long to wait before listening again after the listening connection broke (polling covers it). */
const RELISTEN_AFTER_MS = 5000;

/**
 * Wakes the relays when a step commits an outbox row (the triggers' `NOTIFY`, issue #13): a release no
 * longer waits for the relay's poll, its webhook not for the notification relay's. One pooled connection
 * is kept for `LISTEN`. The relays' timers stay as the fallback, so a lost connection or notification
 * only slows a release down to the polling interval, never loses it.
 */
@Injectable()
export class OutboxWakeups implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxWakeups');
  private client: PoolClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly releases: ReleaseRelay,
    private readonly notifications: NotificationRelay,
  ) {}

  onApplicationBootstrap(): void {
    void this.listen();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
      const client = await pool.connect();
      this.client = client;
      client.on('error', (error: Error) => this.relisten(error));
      client.on('notification', (message) => {
        if (message.channel === RELEASE_OUTBOX_CHANNEL) this.releases.wake();
        else if (message.channel === NOTIFICATION_OUTBOX_CHANNEL) this.notifications.wake();
      });
      await client.query(`LISTEN ${RELEASE_OUTBOX_CHANNEL}`);
      await client.query(`LISTEN ${NOTIFICATION_OUTBOX_CHANNEL}`);
      // Rows committed while nobody listened: one round of each now.
      this.releases.wake();
      this.notifications.wake();
    } catch (error) {
      this.relisten(error);
    }
  }

  private relisten(error: unknown): void {
    // The class only: a driver's message may quote values.
    this.logger.warn(
      `listening for outbox rows failed: ${error instanceof Error ? error.name : typeof error}`,
    );
    const broken = this.client;
    this.client = undefined;
    broken?.release(true);
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.listen();
    }, RELISTEN_AFTER_MS);
    this.retry.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query('UNLISTEN *');
      client.release();
    } catch {
      client.release(true);
    }
  }
}
