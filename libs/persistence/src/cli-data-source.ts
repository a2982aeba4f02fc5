import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from './database.config';
import { dataSourceOptions } from './data-source-options';

/**
 * For TypeORM's own CLI only (`npm run migration:generate -- libs/persistence/src/migrations/Name`):
 * generating a migration compares the entities with a database. Applying migrations goes through
 * `npm run migration:run`, which takes the advisory lock.
 */
export default new DataSource(dataSourceOptions(readDatabaseConfig().url));
