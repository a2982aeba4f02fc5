import { BROKER_RUNTIME_ROLE, BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { BROKER_HEARTBEAT_QUEUE, NOTIFICATION_QUEUE, QueuesModule, RELEASE_QUEUE } from '@app/queues';
import { DossierVault } from '@app/vault';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { BOARD_POLICY_SWEEP_SETTINGS, BoardPolicySweep } from './board-policy/board-policy.sweep';
import { EXPIRY_SWEEP_SECONDS, RequestExpirySweep } from './expiry/request-expiry.sweep';
import { HeartbeatProcessor } from './heartbeat/heartbeat.processor';
import { HeartbeatScheduler } from './heartbeat/heartbeat.scheduler';
import { NotificationProcessor } from './notifications/notification.processor';
import { NOTIFICATION_SETTINGS, NotificationRelay } from './notifications/notification.relay';
import { OutboxWakeups } from './outbox-wakeups';
import { RELAY_SETTINGS, ReleaseRelay } from './release/release-relay';
import { ReleaseProcessor } from './release/release.processor';
import type { ReleaseWorkerConfig } from './release-worker.config';
import { RETENTION_SETTINGS, RetentionSweep } from './retention/retention.sweep';

/**
 * The queue processors, the release outbox's relay, and the expiry and retention sweeps. No HTTP listener: the worker is reached only
 * through its queues and the database, as the broker's runtime role (like broker-api).
 */
@Module({})
export class ReleaseWorkerModule {
  static forRoot(config: ReleaseWorkerConfig): DynamicModule {
    return {
      module: ReleaseWorkerModule,
      imports: [
        PersistenceModule.forRoot(config.database, BROKER_SCHEMA, { runAs: BROKER_RUNTIME_ROLE }),
        QueuesModule.forRoot(config.redis),
        BullModule.registerQueue({ name: BROKER_HEARTBEAT_QUEUE }, { name: RELEASE_QUEUE }),
        BullModule.registerQueue({ name: NOTIFICATION_QUEUE }),
      ],
      providers: [
        HeartbeatProcessor,
        HeartbeatScheduler,
        { provide: DossierVault, useFactory: () => new DossierVault(config.vault) },
        { provide: RELAY_SETTINGS, useValue: config.relay },
        ReleaseRelay,
        ReleaseProcessor,
        { provide: NOTIFICATION_SETTINGS, useValue: config.notifications },
        NotificationRelay,
        NotificationProcessor,
        ...(config.relay.wakeOnCommit ? [OutboxWakeups] : []),
        // The broker's own steps on time (#11): expiry and retention.
        { provide: EXPIRY_SWEEP_SECONDS, useValue: config.expirySweepSeconds },
        RequestExpirySweep,
        { provide: RETENTION_SETTINGS, useValue: config.retention },
        RetentionSweep,
        { provide: BOARD_POLICY_SWEEP_SETTINGS, useValue: config.boardPolicy },
        BoardPolicySweep,
      ],
    };
  }
}
