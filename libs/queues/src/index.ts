export * from './broker-heartbeat';
export * from './queues.module';
export * from './redis-connection';
export * from './redis.config';
export * from './release-queue';
export * from './notification-queue';
export * from './redis-unavailable';
