export * from './broker-schema';
export * from './runtime-privileges';
export * from './idempotency-key.entity';
