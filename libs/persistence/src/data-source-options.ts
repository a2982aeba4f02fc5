import { DataSourceOptions } from 'typeorm';
import type { DatabaseSchema } from './database-schema';
import { DEFAULT_POOL_SIZE } from './database.config';

/** How a process's connections present themselves, and as whom they act. */
export interface ConnectionSettings {
  /**
   * The database role every connection acts as from its first statement (PostgreSQL's `role` setting,
   * sent with the connection's start-up packet), whatever login the URL names. Unset: the login itself.
   */
  runAs?: string;
  /** `application_name`, as `pg_stat_activity` shows it. */
  applicationName?: string;
  poolSize?: number;
}

/** A role name as PostgreSQL reads it unquoted: it goes into the start-up options, which split on spaces. */
const PLAIN_ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One place that says how the broker talks to PostgreSQL; schema changes only through migrations. The
 * tables are the application's to say (`schema`): persistence itself knows no domain.
 */
export function dataSourceOptions(
  url: string,
  schema: DatabaseSchema,
  connection: ConnectionSettings = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...schema.entities],
    migrations: [...schema.migrations],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // TypeORM's logger prints failed queries with their parameters, which can be personal data.
    logging: false,
    // Fail fast on a dead connection instead of hanging requests.
    connectTimeoutMS: 5000,
    extra: {
      max: connection.poolSize ?? DEFAULT_POOL_SIZE,
      application_name: connection.applicationName ?? 'oso-broker',
      ...(connection.runAs !== undefined ? { options: runAsOption(connection.runAs) } : {}),
    },
  };
}

/**
 * `-c role=…` in the start-up packet rather than a `SET ROLE` after connecting: the connection is the
 * role before any statement can run, no pool hook can be skipped or raced, and `RESET ROLE`, `RESET ALL`
 * or `DISCARD ALL` return to it (it is the session's default). A login that is not a member of the role
 * cannot connect at all.
 */
function runAsOption(role: string): string {
  if (!PLAIN_ROLE_NAME.test(role)) throw new Error(`not a plain database role name: ${role}`);
  return `-c role=${role}`;
}
