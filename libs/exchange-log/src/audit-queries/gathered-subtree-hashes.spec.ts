import { MemoryMerkleTree, SubtreeAddress, SubtreeHashes, inclusionProof, leafHash } from '../merkle';
import { GatheredSubtreeHashes } from './gathered-subtree-hashes';

/** A page of proofs asked together costs one lookup of distinct nodes, and each proof is still right. */
describe('GatheredSubtreeHashes', () => {
  const SIZE = 1_000;
  const tree = new MemoryMerkleTree();
  for (let n = 0; n < SIZE; n += 1) tree.append(leafHash(Buffer.from(`entry ${n}`)));

  class CountingHashes implements SubtreeHashes {
    calls: Array<ReadonlyArray<SubtreeAddress>> = [];
    subtreeHashes(wanted: ReadonlyArray<SubtreeAddress>): Promise<Buffer[]> {
      this.calls.push(wanted);
      return tree.subtreeHashes(wanted);
    }
  }

  it('answers a page of proofs with one lookup, each node asked once, the proofs unchanged', async () => {
    const counting = new CountingHashes();
    const gathered = new GatheredSubtreeHashes(counting);
    const leaves = Array.from({ length: 100 }, (_, n) => 400 + n);
    const proofs = await Promise.all(leaves.map((leaf) => inclusionProof(leaf, SIZE, gathered)));
    expect(counting.calls).toHaveLength(1);
    const asked = counting.calls[0].map(({ level, index }) => `${level}:${index}`);
    expect(new Set(asked).size).toBe(asked.length);
    // Neighbouring leaves share their upper nodes: far fewer than one full proof per leaf.
    expect(asked.length).toBeLessThan(proofs.reduce((sum, proof) => sum + proof.length, 0) / 2);
    for (const [position, leaf] of leaves.entries()) {
      expect(proofs[position]).toEqual(await inclusionProof(leaf, SIZE, tree));
    }
  });

  it('hands a failed lookup to every proof that waited on it', async () => {
    const failing: SubtreeHashes = { subtreeHashes: () => Promise.reject(new Error('node missing')) };
    const gathered = new GatheredSubtreeHashes(failing);
    const asked = [1, 2, 3].map((leaf) => inclusionProof(leaf, SIZE, gathered));
    for (const proof of asked) await expect(proof).rejects.toThrow('node missing');
  });
});
