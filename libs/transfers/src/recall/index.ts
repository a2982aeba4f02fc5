export * from './recall-notice';
export * from './recall-notice.entity';
export * from './transfer-recalls';
