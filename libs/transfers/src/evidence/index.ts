export * from './evidence-input';
export * from './evidence-record.entity';
export * from './release-outbox.entity';
export * from './evidence-repository';
export * from './release-processing';
export * from './consent-declaration.entity';
export * from './consent-declarations';
export { regateBoardTransfers } from './board-regating';
