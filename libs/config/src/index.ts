export * from './config-error';
export * from './read-config';
export * from './run-main';
export * from './restart-backoff';
