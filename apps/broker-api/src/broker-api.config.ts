import { Environment, readConfig, setting } from '@app/config';
import { readPkiConfig } from '@app/pki';
import { DatabaseConfig, readDatabaseConfig } from '@app/persistence';
import { RedisConfig, readRedisConfig } from '@app/queues';
import { join } from 'node:path';
import { TlsFilesConfig, readTlsFilesConfig } from './tls/tls-files.config';

export interface BrokerApiConfig {
  host: string;
  port: number;
  opsHost: string;
  /** Plain-HTTP health port for orchestrators; 0 turns it off. */
  opsPort: number;
  tls: TlsFilesConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
}

export function readBrokerApiConfig(env: Environment = process.env): BrokerApiConfig {
  const raw = readConfig(
    {
      BROKER_HOST: setting.text('127.0.0.1'),
      BROKER_PORT: setting.port(8443),
      OPS_HOST: setting.text('127.0.0.1'),
      OPS_PORT: setting.port(8081),
    },
    env,
  );
  const pkiDir = readPkiConfig(env).dir;
  return {
    host: raw.BROKER_HOST,
    port: raw.BROKER_PORT,
    opsHost: raw.OPS_HOST,
    opsPort: raw.OPS_PORT,
    tls: readTlsFilesConfig(env, {
      serverCertificateFile: join(pkiDir, 'server.crt'),
      serverKeyFile: join(pkiDir, 'server.key'),
      clientCaFile: join(pkiDir, 'ca.crt'),
      crlFile: join(pkiDir, 'ca.crl'),
    }),
    database: readDatabaseConfig(env),
    redis: readRedisConfig(env),
  };
}
