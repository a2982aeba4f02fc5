export * from './audit-views';
export * from './audit-scope';
export * from './audit-entry-queries';
export * from './entry-views';
export * from './log-integrity';
