export * from './dossier-element';
export * from './dossier-input';
export * from './dossier-validation-engine';
export * from './dossier-verdict';
export * from './oso-standard';
export * from './read-dossier-tree';
export * from './rules/all-rules';
export * from './rules/dossier-rule';
