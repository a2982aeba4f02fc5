import { MerkleFrontier } from './frontier';
import { EMPTY_TREE_ROOT, interiorHash, leafHash } from './hashing';
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from './proofs';
import { MemoryMerkleTree } from './subtree-hashes';
import {
  consistencyProofs,
  hasher,
  inclusionProofs,
  leafInputs,
  nodeHashes,
  rootHashes,
} from './testdata/rfc6962-vectors';
import { subtreesCompletedBy } from './tree-geometry';

const hex = (hash: Buffer): string => hash.toString('hex');
const fromHex = (value: string): Buffer => Buffer.from(value, 'hex');
const someHash = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');

function treeOf(size: number): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (const input of leafInputs.slice(0, size)) tree.append(leafHash(fromHex(input)));
  return tree;
}

describe('RFC 6962 hashing (transparency-dev/merkle vectors)', () => {
  it('hashes the empty tree, leaves and interior nodes with domain separation', () => {
    expect(hex(EMPTY_TREE_ROOT)).toBe(hasher.emptyRoot);
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(hasher.emptyLeaf);
    expect(hex(leafHash(Buffer.from('L123456')))).toBe(hasher.leafL123456);
    expect(hex(interiorHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(hasher.nodeN123N456);
  });

  it('is not fooled by an entry that is two hashes glued together', () => {
    const [a, b] = [leafHash(Buffer.from('Hello')), leafHash(Buffer.from('World'))];
    expect(interiorHash(a, b).equals(leafHash(Buffer.concat([a, b])))).toBe(false);
    expect(interiorHash(a, b).equals(interiorHash(b, a))).toBe(false);
  });
});

describe('the 8-leaf reference tree', () => {
  it('keeps every perfect subtree hash of the reference tree', async () => {
    const tree = treeOf(8);
    for (const [level, hashes] of nodeHashes.entries()) {
      const wanted = hashes.map((_, index) => ({ level, index }));
      expect((await tree.subtreeHashes(wanted)).map(hex)).toEqual(hashes);
    }
    await expect(tree.subtreeHashes([{ level: 3, index: 1 }])).rejects.toThrow(/No complete subtree/);
  });

  it('computes the root of every size, from stored subtrees and from the frontier', async () => {
    const tree = treeOf(8);
    const frontier = MerkleFrontier.empty();
    expect(hex(frontier.root())).toBe(rootHashes[0]);
    for (let size = 0; size <= 8; size += 1) {
      expect(hex(await treeRoot(size, tree))).toBe(rootHashes[size]);
      if (size > 0) {
        const completed = frontier.append(leafHash(fromHex(leafInputs[size - 1])));
        expect(completed.map(({ level, index }) => ({ level, index }))).toEqual(
          subtreesCompletedBy(size - 1),
        );
        expect(completed.map((subtree) => hex(subtree.hash))).toEqual(
          completed.map(({ level, index }) => nodeHashes[level][index]),
        );
        expect(hex(frontier.root())).toBe(rootHashes[size]);
        expect(hex((await MerkleFrontier.of(size, tree)).root())).toBe(rootHashes[size]);
      }
    }
  });

  it.each(inclusionProofs)(
    'gives and verifies the inclusion proof of leaf $leafIndex in $treeSize',
    async (vector) => {
      const { leafIndex, treeSize } = vector;
      const tree = treeOf(treeSize);
      const proof = await inclusionProof(leafIndex, treeSize, tree);
      expect(proof.map(hex)).toEqual(vector.proof);
      const leaf = leafHash(fromHex(leafInputs[leafIndex]));
      const root = fromHex(rootHashes[treeSize]);
      expect(verifyInclusion(leaf, leafIndex, treeSize, proof, root)).toBe(true);

      // The probes of transparency-dev's corruptInclusionProof: each must fail.
      const probes: Array<[string, Parameters<typeof verifyInclusion>]> = [
        ['index − 1', [leaf, leafIndex - 1, treeSize, proof, root]],
        ['index + 1', [leaf, leafIndex + 1, treeSize, proof, root]],
        ['index ^ 2', [leaf, leafIndex ^ 2, treeSize, proof, root]],
        ['size × 2', [leaf, leafIndex, treeSize * 2, proof, root]],
        ['size / 2', [leaf, leafIndex, Math.floor(treeSize / 2), proof, root]],
        ['wrong leaf', [leafHash(Buffer.from('WrongLeaf')), leafIndex, treeSize, proof, root]],
        ['empty root', [leaf, leafIndex, treeSize, proof, EMPTY_TREE_ROOT]],
        ['random root', [leaf, leafIndex, treeSize, proof, someHash]],
        ['trailing garbage', [leaf, leafIndex, treeSize, [...proof, Buffer.alloc(0)], root]],
        ['trailing root', [leaf, leafIndex, treeSize, [...proof, root], root]],
        ['preceding garbage', [leaf, leafIndex, treeSize, [Buffer.alloc(0), ...proof], root]],
        ['preceding root', [leaf, leafIndex, treeSize, [root, ...proof], root]],
        ...proof.map((_, i): [string, Parameters<typeof verifyInclusion>] => {
          const changed = proof.map((hash) => Buffer.from(hash));
          changed[i][0] ^= 8;
          return [`proof[${i}] bit 3`, [leaf, leafIndex, treeSize, changed, root]];
        }),
      ];
      if (proof.length > 0) probes.push(['removed', [leaf, leafIndex, treeSize, proof.slice(0, -1), root]]);
      if (proof.length > 1) {
        probes.push(['inserted', [leaf, leafIndex, treeSize, [proof[0], someHash, ...proof.slice(1)], root]]);
      }
      const accepted = probes.filter(([, args]) => verifyInclusion(...args)).map(([name]) => name);
      expect(accepted).toEqual([]);
    },
  );

  it.each(consistencyProofs)(
    'gives and verifies the consistency proof $fromSize → $toSize',
    async (vector) => {
      const { fromSize, toSize } = vector;
      const proof = await consistencyProof(fromSize, toSize, treeOf(toSize));
      expect(proof.map(hex)).toEqual(vector.proof);
      const [root1, root2] = [fromHex(rootHashes[fromSize]), fromHex(rootHashes[toSize])];
      expect(verifyConsistency(fromSize, toSize, root1, root2, proof)).toBe(true);
      if (proof.length === 0) return; // equal sizes: the probes below need a proof to corrupt

      // The probes of transparency-dev's corruptConsistencyProof: each must fail.
      const probes: Array<[string, Parameters<typeof verifyConsistency>]> = [
        ['size1 − 1', [fromSize - 1, toSize, root1, root2, proof]],
        ['size1 + 1', [fromSize + 1, toSize, root1, root2, proof]],
        ['size1 ^ 2', [fromSize ^ 2, toSize, root1, root2, proof]],
        ['size2 × 2', [fromSize, toSize * 2, root1, root2, proof]],
        ['size2 / 2', [fromSize, Math.floor(toSize / 2), root1, root2, proof]],
        ['wrong root1', [fromSize, toSize, someHash, root2, proof]],
        ['wrong root2', [fromSize, toSize, root1, someHash, proof]],
        ['swapped roots', [fromSize, toSize, root2, root1, proof]],
        ['empty proof', [fromSize, toSize, root1, root2, []]],
        ['trailing garbage', [fromSize, toSize, root1, root2, [...proof, Buffer.alloc(0)]]],
        ['trailing root1', [fromSize, toSize, root1, root2, [...proof, root1]]],
        ['trailing root2', [fromSize, toSize, root1, root2, [...proof, root2]]],
        ['preceding garbage', [fromSize, toSize, root1, root2, [Buffer.alloc(0), ...proof]]],
        ['preceding root1', [fromSize, toSize, root1, root2, [root1, ...proof]]],
        ['preceding root2', [fromSize, toSize, root1, root2, [root2, ...proof]]],
        ['preceding proof[0]', [fromSize, toSize, root1, root2, [proof[0], ...proof]]],
        ['truncated', [fromSize, toSize, root1, root2, proof.slice(0, -1)]],
        ...proof.map((_, i): [string, Parameters<typeof verifyConsistency>] => {
          const changed = proof.map((hash) => Buffer.from(hash));
          changed[i][0] ^= 16;
          return [`proof[${i}] bit 4`, [fromSize, toSize, root1, root2, changed]];
        }),
      ];
      const accepted = probes.filter(([, args]) => verifyConsistency(...args)).map(([name]) => name);
      expect(accepted).toEqual([]);
    },
  );

  it('treats equal and empty old trees as the RFC and transparency-dev do', () => {
    const root = fromHex(rootHashes[3]);
    expect(verifyConsistency(3, 3, root, root, [])).toBe(true);
    expect(verifyConsistency(3, 3, root, someHash, [])).toBe(false);
    expect(verifyConsistency(3, 3, root, root, [EMPTY_TREE_ROOT])).toBe(false);
    expect(verifyConsistency(0, 3, EMPTY_TREE_ROOT, root, [])).toBe(true);
    expect(verifyConsistency(0, 3, EMPTY_TREE_ROOT, root, [EMPTY_TREE_ROOT])).toBe(false);
    // Stricter than transparency-dev: a tree of size 0 has exactly one root.
    expect(verifyConsistency(0, 3, someHash, root, [])).toBe(false);
    expect(verifyConsistency(3, 2, root, root, [])).toBe(false);
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ]) {
      expect(verifyInclusion(someHash, index, size, [], someHash)).toBe(false);
    }
  });

  it('refuses to prove what is not in the tree', async () => {
    const tree = treeOf(8);
    await expect(inclusionProof(8, 8, tree)).rejects.toThrow(RangeError);
    await expect(inclusionProof(-1, 8, tree)).rejects.toThrow(RangeError);
    await expect(consistencyProof(5, 4, tree)).rejects.toThrow(RangeError);
    await expect(inclusionProof(0, 9, tree)).rejects.toThrow(/No complete subtree/);
  });
});
