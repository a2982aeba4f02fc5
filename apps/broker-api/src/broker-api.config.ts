import { Environment, readConfig, setting } from '@app/config';
import { readPkiConfig } from '@app/pki';
import { DatabaseConfig, readDatabaseConfig } from '@app/persistence';
import { RedisConfig, readRedisConfig } from '@app/queues';
import { HttpSigningConfig, readHttpSigningConfig } from '@app/http-signing';
import { TransferSettings, readTransferSettings } from '@app/transfers';
import { ValidationPoolSettings, readValidationPoolSettings } from '@app/oso-dataset';
import { RenderingPoolSettings, readRenderingPoolSettings } from '@app/dossier-rendering/pool';
import { VaultConfig, readVaultConfig } from '@app/vault';
import { LogSigningKey, loadLogSigningKey, readLogKeyConfig } from '@app/exchange-log';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { TlsFilesConfig, readTlsFilesConfig } from './tls/tls-files.config';
import { RetentionBounds, readRetentionBounds } from '@app/registry/board-instructions.config';

export interface BrokerApiConfig {
  host: string;
  port: number;
  opsHost: string;
  /** Plain-HTTP health port for orchestrators; 0 turns it off. */
  opsPort: number;
  /**
   * broker-api processes sharing the port (node:cluster); 1 serves in this process alone. The primary
   * passes the number it started to every process in BROKER_API_PROCESSES: pools sized per process
   * (validation, the rate limiter's share) read it from there.
   */
  processes: number;
  /** release-worker processes meant to run on this Redis (RELEASE_WORKERS): fewer alive → health `degraded`. */
  releaseWorkers: number;
  tls: TlsFilesConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
  transfers: TransferSettings;
  vault: VaultConfig;
  signatures: HttpSigningConfig;
  limits: ApiLimits;
  /** Dossier validation threads and each vendor's share of them. */
  validation: ValidationPoolSettings;
  /** Rendering threads (HTML and PDF of a version, #12) and how many renderings may wait for them. */
  rendering: RenderingPoolSettings;
  /** The exchange log's checkpoint signing key: the broker refuses to start without it. */
  exchangeLog: { signingKey: LogSigningKey; verifierKeyFile: string };
  audit: AuditConfig;
  /** The metadata retention terms a school board may set (#11). */
  boardRetention: RetentionBounds;
}

/** The auditor API's own knobs. */
export interface AuditConfig {
  /**
   * How long one whole-log integrity check answers every auditor before the next one re-hashes the log
   * (0: every call checks afresh). Bounds the cost of N auditors opening the page; see decisions.md.
   */
  integrityMaxAgeSeconds: number;
}

/** Five minutes: a privacy officer's page shows a check at most this old; the log is re-hashed ≤ 12×/hour. */
export const DEFAULT_INTEGRITY_MAX_AGE_SECONDS = 5 * 60;

/** What one vendor may send: body sizes and a request rate, so one client cannot starve the others. */
export interface ApiLimits {
  /** Largest dossier upload, in bytes (the validator refuses larger ones before parsing too). */
  dossierBytes: number;
  /** Largest JSON body, in bytes. */
  jsonBytes: number;
  /** Largest consent declaration document upload (PDF, PNG or JPEG), in bytes. */
  declarationBytes: number;
  /**
   * Requests per vendor per minute, for the whole broker. Counted in each process's memory (#14 moves
   * it to Redis): each of N processes allows its share, so the whole never exceeds the setting.
   */
  requestsPerMinute: number;
}

export function readBrokerApiConfig(env: Environment = process.env): BrokerApiConfig {
  const raw = readConfig(
    {
      BROKER_HOST: setting.text('127.0.0.1'),
      BROKER_PORT: setting.port(8443),
      OPS_HOST: setting.text('127.0.0.1'),
      OPS_PORT: setting.port(8081),
      BROKER_API_PROCESSES: setting.positiveInt(availableParallelism()),
      RELEASE_WORKERS: setting.positiveInt(1),
      API_MAX_DOSSIER_BYTES: setting.positiveInt(20 * 1024 * 1024),
      API_MAX_JSON_BYTES: setting.positiveInt(64 * 1024),
      API_MAX_DECLARATION_BYTES: setting.positiveInt(10 * 1024 * 1024),
      API_RATE_LIMIT_PER_MINUTE: setting.positiveInt(600),
      AUDIT_INTEGRITY_MAX_AGE_SECONDS: setting.nonNegativeInt(DEFAULT_INTEGRITY_MAX_AGE_SECONDS),
    },
    env,
  );
  const pkiDir = readPkiConfig(env).dir;
  return {
    host: raw.BROKER_HOST,
    port: raw.BROKER_PORT,
    opsHost: raw.OPS_HOST,
    opsPort: raw.OPS_PORT,
    processes: raw.BROKER_API_PROCESSES,
    releaseWorkers: raw.RELEASE_WORKERS,
    tls: readTlsFilesConfig(env, {
      serverCertificateFile: join(pkiDir, 'server.crt'),
      serverKeyFile: join(pkiDir, 'server.key'),
      clientCaFile: join(pkiDir, 'ca.crt'),
      crlFile: join(pkiDir, 'ca.crl'),
    }),
    database: readDatabaseConfig(env),
    redis: readRedisConfig(env),
    transfers: readTransferSettings(env),
    vault: readVaultConfig(env),
    signatures: readHttpSigningConfig(env),
    limits: {
      dossierBytes: raw.API_MAX_DOSSIER_BYTES,
      jsonBytes: raw.API_MAX_JSON_BYTES,
      declarationBytes: raw.API_MAX_DECLARATION_BYTES,
      requestsPerMinute: raw.API_RATE_LIMIT_PER_MINUTE,
    },
    validation: readValidationPoolSettings(env),
    rendering: readRenderingPoolSettings(env),
    exchangeLog: exchangeLogConfig(env),
    audit: { integrityMaxAgeSeconds: raw.AUDIT_INTEGRITY_MAX_AGE_SECONDS },
    boardRetention: readRetentionBounds(env),
  };
}

function exchangeLogConfig(env: Environment): BrokerApiConfig['exchangeLog'] {
  const keyConfig = readLogKeyConfig(env);
  return { signingKey: loadLogSigningKey(keyConfig), verifierKeyFile: keyConfig.verifierKeyFile };
}
