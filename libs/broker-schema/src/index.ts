export * from './broker-schema';
