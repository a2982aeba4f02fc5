import { DataSourceOptions } from 'typeorm';
import type { DatabaseSchema } from './database-schema';

/**
 * One place that says how the broker talks to PostgreSQL; schema changes only through migrations. The
 * tables are the application's to say (`schema`): persistence itself knows no domain.
 */
export function dataSourceOptions(url: string, schema: DatabaseSchema): DataSourceOptions {
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
    extra: { max: 10, application_name: 'oso-broker' },
  };
}
