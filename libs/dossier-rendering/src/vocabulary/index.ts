export * from './categories';
export * from './code-meanings';
export * from './codes-without-known-meaning';
export * from './field-labels';
