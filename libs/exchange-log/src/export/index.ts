export * from './export-format';
export * from './export-entry';
export * from './write-log-export';
export * from './verify-log-export';
export * from './write-partial-log-export';
