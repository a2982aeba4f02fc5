import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { connectWithRetry } from './connect-with-retry';
import { DatabaseConfig } from './database.config';
import type { DatabaseSchema } from './database-schema';
import { ConnectionSettings, dataSourceOptions } from './data-source-options';

/** The TypeORM connection for an application; the data source is created by us so start-up can retry. */
@Module({})
export class PersistenceModule {
  /**
   * `schema`: the entities and migrations of the domains the application runs; `connection`: e.g. the
   * role every connection runs as (a serving process's rights, not the schema owner's).
   */
  static forRoot(
    // It serves; it does not migrate, so the owner's URL is not its business.
    config: Pick<DatabaseConfig, 'url' | 'startupTimeoutSeconds'> & Partial<Pick<DatabaseConfig, 'poolSize'>>,
    schema: DatabaseSchema,
    connection: ConnectionSettings = {},
  ): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // Our own connectWithRetry does the waiting; TypeORM's retry on top would multiply it.
          useFactory: () => ({
            ...dataSourceOptions(config.url, schema, { poolSize: config.poolSize, ...connection }),
            retryAttempts: 0,
          }),
          dataSourceFactory: async (options) => connectWithRetry(new DataSource(options!), config),
        }),
      ],
    };
  }
}
