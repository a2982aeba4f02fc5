export * from './dossier-renderings';
