export * from './categories';
export * from './code-meanings';
export * from './field-labels';
