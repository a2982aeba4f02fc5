export * from './broker-schema';
export * from './runtime-privileges';
