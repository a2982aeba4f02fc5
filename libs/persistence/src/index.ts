export * from './connect-with-retry';
export * from './data-source-options';
export * from './database-schema';
export * from './database.config';
export * from './migrate-with-lock';
export * from './persistence.module';
export * from './database-busy';
export * from './database-unavailable';
