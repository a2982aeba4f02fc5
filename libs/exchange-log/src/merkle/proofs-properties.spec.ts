import { MerkleFrontier } from './frontier';
import { interiorHash, leafHash } from './hashing';
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from './proofs';
import { MemoryMerkleTree } from './subtree-hashes';
import { seededRandom } from './testdata/seeded-random';
import { splitPoint } from './tree-geometry';

/** MTH exactly as RFC 9162 §2.1.1 defines it, recursively over the leaf hashes. */
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return interiorHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

const random = seededRandom(20261202);
const MAX_SIZE = 300;
const leafCount = MAX_SIZE + 1; // one more, for the root of the next size
// The edges of the tree's shape, and random sizes up to MAX_SIZE.
const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 255, 256, 257, MAX_SIZE];
for (let i = 0; i < 10; i += 1) sizes.push(1 + random.int(MAX_SIZE));

const leaves = Array.from({ length: leafCount }, () => leafHash(random.bytes(1 + random.int(64))));
const tree = new MemoryMerkleTree();
for (const leaf of leaves) tree.append(leaf);

/** A copy of `hash` with one random bit flipped. */
function flipOneBit(hash: Buffer): Buffer {
  const changed = Buffer.from(hash);
  changed[random.int(changed.length)] ^= 1 << random.int(8);
  return changed;
}

function withOneBitFlipped(proof: Buffer[]): Buffer[] {
  const at = random.int(proof.length);
  return proof.map((hash, i) => (i === at ? flipOneBit(hash) : hash));
}

/** An index with one random bit flipped, kept within 2^10 so most land inside the tree. */
const flipIndexBit = (index: number): number => index ^ (1 << random.int(10));

describe('Merkle proofs, property tests (seeded)', () => {
  it.each(sizes)(
    'root of %i leaves equals the naive recursive MTH, by subtrees and by frontier',
    async (size) => {
      const expected = naiveRoot(leaves.slice(0, size));
      expect((await treeRoot(size, tree)).equals(expected)).toBe(true);
      const frontier = MerkleFrontier.empty();
      for (const leaf of leaves.slice(0, size)) frontier.append(leaf);
      expect(frontier.root().equals(expected)).toBe(true);
    },
  );

  it.each(sizes)(
    'every inclusion proof in a tree of %i verifies, and fails with any one bit changed',
    async (size) => {
      const root = await treeRoot(size, tree);
      const nextRoot = naiveRoot(leaves.slice(0, size + 1));
      const wronglyAccepted: string[] = [];
      for (let index = 0; index < size; index += 1) {
        const proof = await inclusionProof(index, size, tree);
        expect(verifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
        const tampered: Array<[string, boolean]> = [
          ['leaf', verifyInclusion(flipOneBit(leaves[index]), index, size, proof, root)],
          ['root', verifyInclusion(leaves[index], index, size, proof, flipOneBit(root))],
          ['index', verifyInclusion(leaves[index], flipIndexBit(index), size, proof, root)],
          // The size alone is not bound by the proof (a leaf left of the ragged edge has the same path in a
          // slightly larger tree); it is bound together with its root, which the signed checkpoint carries.
          ['size', verifyInclusion(leaves[index], index, size + 1, proof, nextRoot)],
        ];
        if (proof.length > 0) {
          tampered.push([
            'proof',
            verifyInclusion(leaves[index], index, size, withOneBitFlipped(proof), root),
          ]);
        }
        for (const [what, accepted] of tampered)
          if (accepted) wronglyAccepted.push(`${what} of leaf ${index}`);
      }
      expect(wronglyAccepted).toEqual([]);
    },
  );

  it.each(sizes)(
    'every consistency proof into a tree of %i verifies, and fails when tampered',
    async (toSize) => {
      const toRoot = await treeRoot(toSize, tree);
      const nextRoot = naiveRoot(leaves.slice(0, toSize + 1)); // as for inclusion: size and root go together
      const wronglyAccepted: string[] = [];
      for (let fromSize = 0; fromSize <= toSize; fromSize += 1) {
        const fromRoot = await treeRoot(fromSize, tree);
        const proof = await consistencyProof(fromSize, toSize, tree);
        expect(verifyConsistency(fromSize, toSize, fromRoot, toRoot, proof)).toBe(true);
        if (fromSize === 0 || fromSize === toSize) continue; // no proof to tamper with
        const tampered: Array<[string, boolean]> = [
          ['proof', verifyConsistency(fromSize, toSize, fromRoot, toRoot, withOneBitFlipped(proof))],
          ['old root', verifyConsistency(fromSize, toSize, flipOneBit(fromRoot), toRoot, proof)],
          ['new root', verifyConsistency(fromSize, toSize, fromRoot, flipOneBit(toRoot), proof)],
          ['old size − 1', verifyConsistency(fromSize - 1, toSize, fromRoot, toRoot, proof)],
          ['old size + 1', verifyConsistency(fromSize + 1, toSize, fromRoot, toRoot, proof)],
          ['new size + 1', verifyConsistency(fromSize, toSize + 1, fromRoot, nextRoot, proof)],
          ['dropped element', verifyConsistency(fromSize, toSize, fromRoot, toRoot, proof.slice(1))],
        ];
        for (const [what, accepted] of tampered) if (accepted) wronglyAccepted.push(`${what} of ${fromSize}`);
      }
      expect(wronglyAccepted).toEqual([]);
    },
  );

  it('asks the store once per proof or root', async () => {
    let calls = 0;
    const counting = {
      subtreeHashes: (wanted: Parameters<MemoryMerkleTree['subtreeHashes']>[0]) => {
        calls += 1;
        return tree.subtreeHashes(wanted);
      },
    };
    await inclusionProof(100, 299, counting);
    await consistencyProof(77, 299, counting);
    await treeRoot(299, counting);
    expect(calls).toBe(3);
  });
});
