import { Environment, readConfig, setting } from '@app/config';
import { DatabaseConfig, readDatabaseConfig } from '@app/persistence';
import { RedisConfig, readRedisConfig } from '@app/queues';
import { RetentionSettings, readRetentionSettings } from '@app/transfers/retention/retention.config';
import { VaultConfig, readVaultConfig } from '@app/vault';
import { NotificationSettings, readNotificationSettings } from './notifications/notification.config';

/** How the relay drains the release outbox (docs/operator-guide.md, "Release worker"). */
export interface RelaySettings {
  /** How often the relay looks for outbox rows to add as queue jobs. */
  everyMs: number;
  /**
   * After how long a relayed row whose transfer still waits in `release_queued` is added again (its job
   * may have been lost with Redis); re-adding a job that still exists changes nothing.
   */
  recheckAfterSeconds: number;
  /**
   * Whether the relays also run the moment a step commits an outbox row (PostgreSQL `NOTIFY`, issue #13),
   * not only every `everyMs`. Off only for tests that drive the relays by hand.
   */
  wakeOnCommit: boolean;
}

/** How the worker asks the gate again for boards whose policy dated ahead came into effect (#11). */
export interface BoardPolicySweepSettings {
  /** How often the sweep runs. */
  everySeconds: number;
  /** How many Dutch calendar days back (today included) a decision's day counts as "came into effect". */
  lookbackDays: number;
}

/** Every setting the release-worker reads (test/deployment/compose.spec.ts checks compose gives them). */
export interface ReleaseWorkerConfig {
  redis: RedisConfig;
  database: DatabaseConfig;
  vault: VaultConfig;
  relay: RelaySettings;
  notifications: NotificationSettings;
  /** How often open requests past their deadline are expired (moved here from broker-api, #11). */
  expirySweepSeconds: number;
  retention: RetentionSettings;
  boardPolicy: BoardPolicySweepSettings;
}

export function readReleaseWorkerConfig(env: Environment = process.env): ReleaseWorkerConfig {
  const raw = readConfig(
    {
      RELEASE_RELAY_EVERY_MS: setting.positiveInt(1000),
      RELEASE_RELAY_RECHECK_SECONDS: setting.positiveInt(60),
      RELEASE_RELAY_WAKE_ON_COMMIT: setting.oneOf(['on', 'off'], 'on'),
      TRANSFER_EXPIRY_SWEEP_SECONDS: setting.positiveInt(60),
      BOARD_POLICY_SWEEP_SECONDS: setting.positiveInt(3600),
      BOARD_POLICY_LOOKBACK_DAYS: setting.positiveInt(2),
    },
    env,
  );
  return {
    redis: readRedisConfig(env),
    database: readDatabaseConfig(env),
    vault: readVaultConfig(env),
    relay: {
      everyMs: raw.RELEASE_RELAY_EVERY_MS,
      recheckAfterSeconds: raw.RELEASE_RELAY_RECHECK_SECONDS,
      wakeOnCommit: raw.RELEASE_RELAY_WAKE_ON_COMMIT === 'on',
    },
    notifications: readNotificationSettings(env),
    expirySweepSeconds: raw.TRANSFER_EXPIRY_SWEEP_SECONDS,
    retention: readRetentionSettings(env),
    boardPolicy: {
      everySeconds: raw.BOARD_POLICY_SWEEP_SECONDS,
      lookbackDays: raw.BOARD_POLICY_LOOKBACK_DAYS,
    },
  };
}
