export * from './dossier-vault';
export * from './sealed-payload';
export * from './vault-error';
export * from './vault.config';
