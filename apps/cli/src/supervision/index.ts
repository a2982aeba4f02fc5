export * from './supervised-process';
