export * from './evidence-input';
export * from './evidence-record.entity';
export * from './release-outbox.entity';
