import { ConfigError, Environment, readConfig, setting } from '@app/config';
import { readPkiConfig } from '@app/pki/pki.config';
import { join, resolve } from 'node:path';

/** How the release worker delivers webhook notifications (docs/operator-guide.md, "Notifications"). */
export interface NotificationSettings {
  /** How often the relay looks for due notifications. */
  everyMs: number;
  /** How long one attempt may take (connect, TLS, answer) before it counts as failed. */
  timeoutMs: number;
  /** Attempts in all, the first included; after the last failed one the notification is dead-lettered. */
  attempts: number;
  /** The wait after the first failed attempt; it doubles with every further one, up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * How long a notification handed to the queue is not handed again: longer than an attempt, so it only
   * comes back when its job was lost (Redis flushed or down).
   */
  leaseMs: number;
  /** The broker's signing key and certificate (the same as broker-api's: its server certificate's). */
  signingKeyFile: string;
  signingCertificateFile: string;
  /** The broker's TLS client certificate (clientAuth), presented to the vendor's receiver. */
  clientCertificateFile: string;
  clientKeyFile: string;
  /** CA certificates (PEM) trusted for receivers besides the system's; null: the system's only. */
  extraCaFile: string | null;
}

export function readNotificationSettings(env: Environment = process.env): NotificationSettings {
  const pkiDir = readPkiConfig(env).dir;
  const raw = readConfig(
    {
      NOTIFY_RELAY_EVERY_MS: setting.positiveInt(1000),
      NOTIFY_TIMEOUT_MS: setting.positiveInt(10_000),
      NOTIFY_ATTEMPTS: setting.positiveInt(12),
      NOTIFY_BACKOFF_BASE_MS: setting.positiveInt(5000),
      NOTIFY_BACKOFF_MAX_MS: setting.positiveInt(3_600_000),
      NOTIFY_LEASE_SECONDS: setting.positiveInt(60),
      TLS_SERVER_CERT_FILE: setting.text(join(pkiDir, 'server.crt')),
      TLS_SERVER_KEY_FILE: setting.text(join(pkiDir, 'server.key')),
      NOTIFY_CLIENT_CERT_FILE: setting.text(join(pkiDir, 'broker-client.crt')),
      NOTIFY_CLIENT_KEY_FILE: setting.text(join(pkiDir, 'broker-client.key')),
      NOTIFY_EXTRA_CA_FILE: setting.text('none'),
    },
    env,
  );
  if (raw.NOTIFY_BACKOFF_MAX_MS < raw.NOTIFY_BACKOFF_BASE_MS) {
    throw new ConfigError('NOTIFY_BACKOFF_MAX_MS', 'must be at least NOTIFY_BACKOFF_BASE_MS');
  }
  if (raw.NOTIFY_LEASE_SECONDS * 1000 <= raw.NOTIFY_TIMEOUT_MS) {
    throw new ConfigError('NOTIFY_LEASE_SECONDS', 'must be longer than NOTIFY_TIMEOUT_MS (one attempt)');
  }
  return {
    everyMs: raw.NOTIFY_RELAY_EVERY_MS,
    timeoutMs: raw.NOTIFY_TIMEOUT_MS,
    attempts: raw.NOTIFY_ATTEMPTS,
    backoffBaseMs: raw.NOTIFY_BACKOFF_BASE_MS,
    backoffMaxMs: raw.NOTIFY_BACKOFF_MAX_MS,
    leaseMs: raw.NOTIFY_LEASE_SECONDS * 1000,
    signingKeyFile: resolve(raw.TLS_SERVER_KEY_FILE),
    signingCertificateFile: resolve(raw.TLS_SERVER_CERT_FILE),
    clientCertificateFile: resolve(raw.NOTIFY_CLIENT_CERT_FILE),
    clientKeyFile: resolve(raw.NOTIFY_CLIENT_KEY_FILE),
    extraCaFile: raw.NOTIFY_EXTRA_CA_FILE === 'none' ? null : resolve(raw.NOTIFY_EXTRA_CA_FILE),
  };
}
