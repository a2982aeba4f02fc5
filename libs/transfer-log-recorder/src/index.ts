export * from './transfer-log-entries';
export * from './transfer-log-recorder';
