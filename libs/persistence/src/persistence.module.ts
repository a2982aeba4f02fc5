import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { connectWithRetry } from './connect-with-retry';
import { DatabaseConfig } from './database.config';
import type { DatabaseSchema } from './database-schema';
import { dataSourceOptions } from './data-source-options';

/** The TypeORM connection for an application; the data source is created by us so start-up can retry. */
@Module({})
export class PersistenceModule {
  /** `schema`: the entities and migrations of the domains the application runs. */
  static forRoot(config: DatabaseConfig, schema: DatabaseSchema): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // Our own connectWithRetry does the waiting; TypeORM's retry on top would multiply it.
          useFactory: () => ({ ...dataSourceOptions(config.url, schema), retryAttempts: 0 }),
          dataSourceFactory: async (options) => connectWithRetry(new DataSource(options!), config),
        }),
      ],
    };
  }
}
