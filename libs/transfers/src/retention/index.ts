export * from './metadata-deletion';
export * from './metadata-retention-repository';
export * from './payload-purge';
export * from './payload-retention-repository';
export * from './retention.config';
export * from './log-high-water';
export * from './recorded-purges';
export * from './restored-transfers';
