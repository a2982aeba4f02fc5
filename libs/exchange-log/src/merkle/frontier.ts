import { EMPTY_TREE_ROOT, checkedTreeHash, interiorHash } from './hashing';
import type { SubtreeHashes } from './subtree-hashes';
import { assertTreePosition, perfectSubtrees, type SubtreeAddress } from './tree-geometry';

export interface CompletedSubtree extends SubtreeAddress {
  hash: Buffer;
}

interface FrontierNode {
  level: number;
  hash: Buffer;
}

/**
 * The right edge of a growing tree: the hashes of its perfect subtrees, largest first (at most one per
 * level, so at most 53). It is all a sequencer needs to append leaves: each append returns the subtrees it
 * completed (to persist) and the new root follows without reading anything else.
 */
export class MerkleFrontier {
  private constructor(
    private treeSize: number,
    private readonly nodes: FrontierNode[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** The frontier of a stored tree of `size` leaves, read with one call. */
  static async of(size: number, hashes: SubtreeHashes): Promise<MerkleFrontier> {
    const addresses = perfectSubtrees(size);
    const found = addresses.length === 0 ? [] : await hashes.subtreeHashes(addresses);
    if (found.length !== addresses.length) {
      throw new Error(`Asked for ${addresses.length} subtree hashes, got ${found.length}`);
    }
    return new MerkleFrontier(
      size,
      addresses.map((address, i) => ({ level: address.level, hash: checkedTreeHash(found[i]) })),
    );
  }

  get size(): number {
    return this.treeSize;
  }

  /** Appends one leaf; returns the perfect subtrees it completed, the leaf itself first. */
  append(leafHash: Buffer): CompletedSubtree[] {
    const leafIndex = this.treeSize;
    assertTreePosition(leafIndex + 1, 'A tree size');
    const completed: CompletedSubtree[] = [{ level: 0, index: leafIndex, hash: checkedTreeHash(leafHash) }];
    let node: FrontierNode = { level: 0, hash: leafHash };
    let width = 1;
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1].level === node.level) {
      const left = this.nodes.pop() as FrontierNode;
      width *= 2;
      node = { level: node.level + 1, hash: interiorHash(left.hash, node.hash) };
      completed.push({ level: node.level, index: (leafIndex + 1) / width - 1, hash: node.hash });
    }
    this.nodes.push(node);
    this.treeSize = leafIndex + 1;
    return completed;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_TREE_ROOT;
    let hash = this.nodes[this.nodes.length - 1].hash;
    for (let i = this.nodes.length - 2; i >= 0; i -= 1) hash = interiorHash(this.nodes[i].hash, hash);
    return hash;
  }
}
