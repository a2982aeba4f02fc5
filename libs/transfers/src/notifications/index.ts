export * from './notification-outbox.entity';
export * from './notification-repository';
export * from './queue-notification';
export * from './lifecycle-notifications';
export * from './notification-attempts';
