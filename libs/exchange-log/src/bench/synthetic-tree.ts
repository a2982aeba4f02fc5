import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MemoryMerkleTree, SubtreeHashes, inclusionProof, leafHash, verifyInclusion } from '../merkle';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { msSince } from './bench-statistics';

const { treeNodes } = EXCHANGE_LOG_TABLES;

/**
 * Nodes written per statement while the tree is built: small enough that one statement's sort fits in
 * memory and the build reports progress, large enough that statement overhead does not count.
 */
const NODES_PER_STATEMENT = 1_000_000;

/**
 * A large tree for the proof benchmark, built in minutes instead of the hours the sequencer would take for
 * ten million entries. Leaf i's bytes are i as 8 bytes big-endian (PostgreSQL's `int8send`); what a leaf
 * holds does not change what a proof costs, which depends only on the tree's shape and the table's size.
 */
export function syntheticLeafBytes(index: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(index));
  return bytes;
}

/** The same tree in memory, hashed by our own code: the root the stored tree's proofs must lead to. */
export function buildMemoryTree(size: number): { tree: MemoryMerkleTree; seconds: number } {
  const start = process.hrtime.bigint();
  const tree = new MemoryMerkleTree();
  for (let i = 0; i < size; i += 1) tree.append(leafHash(syntheticLeafBytes(i)));
  return { tree, seconds: msSince(start) / 1000 };
}

/**
 * Fills the (empty) tree-node table the way the sequencer would have: the leaf hashes, then every perfect
 * subtree level by level, all computed by PostgreSQL (`sha256`, RFC 9162's 0x00 and 0x01 prefixes), so
 * nothing crosses the wire. Independent of our TypeScript hashing on purpose: the proofs read from here are
 * checked against the root of `buildMemoryTree`, so a mistake on either side fails the benchmark.
 */
export async function storeSyntheticTree(
  dataSource: DataSource,
  size: number,
  progress: (line: string) => void = () => undefined,
): Promise<{ seconds: number; nodes: number }> {
  const start = process.hrtime.bigint();
  let nodes = 0;
  for (let from = 0; from < size; from += NODES_PER_STATEMENT) {
    const to = Math.min(size, from + NODES_PER_STATEMENT);
    await dataSource.query(
      `INSERT INTO ${treeNodes} (level, node_index, hash)
       SELECT 0, n, sha256('\\x00'::bytea || int8send(n)) FROM generate_series($1::bigint, $2::bigint) AS n`,
      [from, to - 1],
    );
    nodes += to - from;
  }
  progress(`leaves: ${size} in ${(msSince(start) / 1000).toFixed(1)} s`);
  let width = size;
  for (let level = 0; width >= 2; level += 1) {
    // A parent for every complete pair; an odd last node waits for a sibling that never comes.
    const parents = Math.floor(width / 2);
    const chunk = NODES_PER_STATEMENT;
    for (let from = 0; from < parents; from += chunk) {
      const to = Math.min(parents, from + chunk);
      await dataSource.query(
        `INSERT INTO ${treeNodes} (level, node_index, hash)
         SELECT $1::smallint + 1, node_index / 2,
                sha256('\\x01'::bytea || string_agg(hash, ''::bytea ORDER BY node_index))
           FROM ${treeNodes}
          WHERE level = $1 AND node_index >= $2::bigint AND node_index < $3::bigint
          GROUP BY node_index / 2`,
        [level, from * 2, to * 2],
      );
    }
    nodes += parents;
    width = parents;
  }
  await dataSource.query(`ANALYZE ${treeNodes}`);
  progress(`all ${nodes} nodes in ${(msSince(start) / 1000).toFixed(1)} s`);
  return { seconds: msSince(start) / 1000, nodes };
}

/** `count` leaf indexes drawn uniformly from [0, size), with repeats allowed (independent draws). */
export function randomLeaves(size: number, count: number): number[] {
  return Array.from({ length: count }, () => randomInt(0, size));
}

/**
 * Times `inclusionProof` for each leaf against `hashes` (one call, so one query for PostgreSQL), then
 * verifies every proof against `root` with `verifyInclusion`, outside the timing. Throws at the first
 * proof that does not verify: a fast wrong proof is no result.
 */
export async function timeInclusionProofs(
  hashes: SubtreeHashes,
  size: number,
  root: Buffer,
  leaves: readonly number[],
): Promise<number[]> {
  const timings: number[] = [];
  const proofs: Buffer[][] = [];
  for (const leaf of leaves) {
    const start = process.hrtime.bigint();
    proofs.push(await inclusionProof(leaf, size, hashes));
    timings.push(msSince(start));
  }
  leaves.forEach((leaf, i) => {
    if (!verifyInclusion(leafHash(syntheticLeafBytes(leaf)), leaf, size, proofs[i], root)) {
      throw new Error(`the inclusion proof of leaf ${leaf} in the tree of ${size} does not verify`);
    }
  });
  return timings;
}
