export * from './hashing';
export * from './tree-geometry';
export * from './subtree-hashes';
export * from './frontier';
export * from './proofs';
