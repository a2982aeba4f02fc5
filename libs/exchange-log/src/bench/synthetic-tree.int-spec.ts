import { DataSource } from 'typeorm';
import { PostgresSubtreeHashes } from '../sequencer/postgres-subtree-hashes';
import { consistencyProof, treeRoot, verifyConsistency } from '../merkle';
import { openLogTestDatabase } from '../testing/log-test-database';
import { buildMemoryTree, storeSyntheticTree, timeInclusionProofs } from './synthetic-tree';

/**
 * The proof benchmark's tree, built by PostgreSQL's own SHA-256, is the tree our code builds: same root,
 * and every proof read from it verifies — for sizes with ragged right edges, not only powers of two.
 */
describe('the proof benchmark’s synthetic tree', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('bench_synthetic_tree');
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('PostgreSQL builds the same tree as MemoryMerkleTree, and its proofs verify against that root', async () => {
    const size = 1_337;
    const stored = await storeSyntheticTree(dataSource, size);
    const { tree } = buildMemoryTree(size);
    const hashes = new PostgresSubtreeHashes(dataSource.manager);
    // One node per perfect subtree: ⌊size / 2^level⌋ on each level.
    let perfectSubtrees = 0;
    for (let width = size; width >= 1; width = Math.floor(width / 2)) perfectSubtrees += width;
    expect(stored.nodes).toBe(perfectSubtrees);
    const [{ n }] = await dataSource.query('SELECT count(*) AS n FROM exchange_log_tree_nodes');
    expect(Number(n)).toBe(perfectSubtrees);
    expect((await treeRoot(size, hashes)).equals(tree.root())).toBe(true);
    for (const smaller of [1, 2, 3, 255, 256, 1_000, 1_336]) {
      expect((await treeRoot(smaller, hashes)).equals(await treeRoot(smaller, tree))).toBe(true);
      const proof = await consistencyProof(smaller, size, hashes);
      expect(verifyConsistency(smaller, size, await treeRoot(smaller, tree), tree.root(), proof)).toBe(true);
    }
    const every = Array.from({ length: size }, (_, i) => i);
    await expect(timeInclusionProofs(hashes, size, tree.root(), every)).resolves.toHaveLength(size);
  });

  it('a proof that does not lead to the root fails the benchmark instead of counting', async () => {
    const hashes = new PostgresSubtreeHashes(dataSource.manager);
    const otherRoot = buildMemoryTree(1_336).tree.root();
    await expect(timeInclusionProofs(hashes, 1_337, otherRoot, [0])).rejects.toThrow(
      'the inclusion proof of leaf 0 in the tree of 1337 does not verify',
    );
  });
});
