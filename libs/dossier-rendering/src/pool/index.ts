export * from './dossier-rendering-pool';
export * from './rendering-pool.config';
export type { RenderingOutcome, RenderingTask } from './rendering-worker';
