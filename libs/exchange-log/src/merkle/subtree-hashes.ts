import { HASH_SIZE } from './hashing';
import { MerkleFrontier } from './frontier';
import type { SubtreeAddress } from './tree-geometry';

/** Where the hashes of perfect subtrees come from: memory (tests, the offline verifier) or PostgreSQL. */
export interface SubtreeHashes {
  /** Hashes of the perfect subtrees of 2^level leaves at the given indexes (index i covers leaves
   *  [i·2^level, (i+1)·2^level)); every asked subtree is complete (within the tree size). One call per
   *  proof/root where possible, so a database-backed store can answer with one query. */
  subtreeHashes(wanted: ReadonlyArray<SubtreeAddress>): Promise<Buffer[]>;
}

/** One level's hashes, back to back in one buffer: a million leaves cost 64 MB, not two million objects. */
class HashColumn {
  private bytes = Buffer.alloc(HASH_SIZE * 1024);
  length = 0;

  push(hash: Buffer): void {
    if ((this.length + 1) * HASH_SIZE > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    hash.copy(this.bytes, this.length * HASH_SIZE);
    this.length += 1;
  }

  /** A copy, so a caller cannot change the tree through it. */
  at(index: number): Buffer {
    return Buffer.from(this.bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE));
  }
}

/** An in-memory tree that keeps the hash of every perfect subtree (about two hashes per leaf). */
export class MemoryMerkleTree implements SubtreeHashes {
  private readonly levels: HashColumn[] = [];
  private readonly frontier = MerkleFrontier.empty();

  /** Appends a leaf hash (see `leafHash`); returns its leaf index. */
  append(leafHash: Buffer): number {
    const completed = this.frontier.append(leafHash);
    for (const subtree of completed) {
      while (this.levels.length <= subtree.level) this.levels.push(new HashColumn());
      this.levels[subtree.level].push(subtree.hash);
    }
    return completed[0].index;
  }

  get size(): number {
    return this.frontier.size;
  }

  /** MTH of the whole tree, without asking for subtrees. */
  root(): Buffer {
    return this.frontier.root();
  }

  subtreeHash({ level, index }: SubtreeAddress): Buffer {
    const column = this.levels[level];
    if (!Number.isSafeInteger(index) || index < 0 || column === undefined || index >= column.length) {
      throw new RangeError(`No complete subtree at level ${level}, index ${index} in a tree of ${this.size}`);
    }
    return column.at(index);
  }

  async subtreeHashes(wanted: ReadonlyArray<SubtreeAddress>): Promise<Buffer[]> {
    return wanted.map((address) => this.subtreeHash(address));
  }
}
