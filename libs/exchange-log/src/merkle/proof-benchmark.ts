import { performance } from 'node:perf_hooks';
import { leafHash } from './hashing';
import { inclusionProof, treeRoot, verifyInclusion } from './proofs';
import { MemoryMerkleTree } from './subtree-hashes';

export interface ProofBenchmark {
  leaves: number;
  /** Time to hash and append every leaf (the in-memory tree's integration rate). */
  appendsPerSecond: number;
  proofs: number;
  /** Mean time to produce one inclusion proof, store reads included. */
  microsecondsPerProof: number;
  /** Mean time to verify one. */
  microsecondsPerVerification: number;
}

/**
 * Speed of the proof code itself on a MemoryMerkleTree (no database): a baseline for `npm run bench:log`,
 * which measures the PostgreSQL-backed store. Leaves are spread evenly over the tree.
 */
export async function benchmarkInclusionProofs(
  leafCount: number,
  proofCount = 10_000,
): Promise<ProofBenchmark> {
  const tree = new MemoryMerkleTree();
  const entry = Buffer.alloc(8);
  const appendStart = performance.now();
  for (let i = 0; i < leafCount; i += 1) {
    entry.writeDoubleBE(i);
    tree.append(leafHash(entry));
  }
  const appendMs = performance.now() - appendStart;
  const root = await treeRoot(leafCount, tree);
  const indexes = Array.from({ length: proofCount }, (_, i) => Math.floor((i * leafCount) / proofCount));

  const proofStart = performance.now();
  const proofs: Buffer[][] = [];
  for (const index of indexes) proofs.push(await inclusionProof(index, leafCount, tree));
  const proofMs = performance.now() - proofStart;

  const verifyStart = performance.now();
  indexes.forEach((index, i) => {
    entry.writeDoubleBE(index);
    if (!verifyInclusion(leafHash(entry), index, leafCount, proofs[i], root)) {
      throw new Error(`The inclusion proof of leaf ${index} does not verify`);
    }
  });
  const verifyMs = performance.now() - verifyStart;

  return {
    leaves: leafCount,
    appendsPerSecond: Math.round(leafCount / (appendMs / 1000)),
    proofs: proofCount,
    microsecondsPerProof: (proofMs * 1000) / proofCount,
    microsecondsPerVerification: (verifyMs * 1000) / proofCount,
  };
}
