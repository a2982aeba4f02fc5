import { REGISTRY_ENTITIES } from '@app/registry/registry-entities';
import { TRANSFER_ENTITIES } from '@app/transfers/transfer-entities';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [...REGISTRY_ENTITIES, ...TRANSFER_ENTITIES];

/** One place that says how the broker talks to PostgreSQL; schema changes only through migrations. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // TypeORM's logger prints failed queries with their parameters, which can be personal data.
    logging: false,
    // Fail fast on a dead connection instead of hanging requests.
    connectTimeoutMS: 5000,
    extra: { max: 10, application_name: 'oso-broker' },
  };
}
