import 'reflect-metadata';
import { dataSourceOptions } from '@app/persistence/data-source-options';
import { readDatabaseConfig } from '@app/persistence/database.config';
import { DataSource } from 'typeorm';
import { BROKER_SCHEMA } from './broker-schema';

/**
 * For TypeORM's own CLI only (`npm run migration:generate -- libs/<domain>/src/migrations/Name`, then
 * list the new class in that domain's `…_MIGRATIONS`): generating a migration compares the entities
 * with a database. Applying migrations goes through `npm run migration:run`, which takes the advisory lock.
 */
export default new DataSource(dataSourceOptions(readDatabaseConfig().migrationUrl, BROKER_SCHEMA));
