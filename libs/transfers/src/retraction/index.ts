export * from './version-retraction';
