export * from './note-error';
export * from './signed-note';
export * from './checkpoint';
