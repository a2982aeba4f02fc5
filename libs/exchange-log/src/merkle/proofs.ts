import { EMPTY_TREE_ROOT, HASH_SIZE, checkedTreeHash, interiorHash } from './hashing';
import type { SubtreeHashes } from './subtree-hashes';
import {
  assertTreePosition,
  isPowerOfTwo,
  perfectSubtreesOfRange,
  splitPoint,
  type SubtreeAddress,
} from './tree-geometry';

/** A leaf range [begin, end) whose MTH a proof or root needs. */
type LeafRange = readonly [begin: number, end: number];

/**
 * The MTH of each range, with one call to the store: every range is split into its perfect subtrees, all
 * are asked at once, and each range's hash is the right fold of its own.
 */
async function rangeHashes(ranges: LeafRange[], hashes: SubtreeHashes): Promise<Buffer[]> {
  const perRange = ranges.map(([begin, end]) => perfectSubtreesOfRange(begin, end));
  const wanted: SubtreeAddress[] = perRange.flat();
  const found = wanted.length === 0 ? [] : await hashes.subtreeHashes(wanted);
  if (found.length !== wanted.length) {
    throw new Error(`Asked for ${wanted.length} subtree hashes, got ${found.length}`);
  }
  let next = 0;
  return perRange.map((subtrees) => {
    const own = found.slice(next, next + subtrees.length).map(checkedTreeHash);
    next += subtrees.length;
    return own.reduceRight((right, left) => interiorHash(left, right));
  });
}

/** MTH(D[size]) (RFC 9162 §2.1.1). */
export async function treeRoot(size: number, hashes: SubtreeHashes): Promise<Buffer> {
  assertTreePosition(size, 'A tree size');
  if (size === 0) return EMPTY_TREE_ROOT;
  const [root] = await rangeHashes([[0, size]], hashes);
  return root;
}

/** PATH(leafIndex, D[treeSize]) (RFC 9162 §2.1.3.1): sibling hashes from the leaf up to the root. */
export async function inclusionProof(
  leafIndex: number,
  treeSize: number,
  hashes: SubtreeHashes,
): Promise<Buffer[]> {
  assertTreePosition(leafIndex, 'A leaf index');
  assertTreePosition(treeSize, 'A tree size');
  if (leafIndex >= treeSize) {
    throw new RangeError(`Leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  }
  // Walk down from the root; each step's sibling is one proof element, so the list is root-first.
  const siblings: LeafRange[] = [];
  let begin = 0;
  let end = treeSize;
  while (end - begin > 1) {
    const split = begin + splitPoint(end - begin);
    if (leafIndex < split) {
      siblings.push([split, end]);
      end = split;
    } else {
      siblings.push([begin, split]);
      begin = split;
    }
  }
  return rangeHashes(siblings.reverse(), hashes);
}

/** PROOF(fromSize, D[toSize]) (RFC 9162 §2.1.4.1); empty when fromSize is 0 or equals toSize. */
export async function consistencyProof(
  fromSize: number,
  toSize: number,
  hashes: SubtreeHashes,
): Promise<Buffer[]> {
  assertTreePosition(fromSize, 'A tree size');
  assertTreePosition(toSize, 'A tree size');
  if (fromSize > toSize) {
    throw new RangeError(`A tree of ${fromSize} leaves cannot precede one of ${toSize}`);
  }
  if (fromSize === 0 || fromSize === toSize) return [];
  // SUBPROOF(m, D[n], b) walked from the root: the old tree's boundary decides the side at every split.
  const nodes: LeafRange[] = [];
  let begin = 0;
  let end = toSize;
  let wholeOldTreeIsKnown = true; // the `b` of the RFC: the old root itself need not be sent
  while (end !== fromSize) {
    const split = begin + splitPoint(end - begin);
    if (fromSize <= split) {
      nodes.push([split, end]);
      end = split;
    } else {
      nodes.push([begin, split]);
      begin = split;
      wholeOldTreeIsKnown = false;
    }
  }
  if (!wholeOldTreeIsKnown) nodes.push([begin, end]);
  return rangeHashes(nodes.reverse(), hashes);
}

function isTreeHash(hash: Buffer): boolean {
  return Buffer.isBuffer(hash) && hash.length === HASH_SIZE;
}

function isValidSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2). Never throws: anything malformed is `false`. */
export function verifyInclusion(
  leafHash: Buffer,
  leafIndex: number,
  treeSize: number,
  proof: Buffer[],
  root: Buffer,
): boolean {
  if (!isValidSize(leafIndex) || !isValidSize(treeSize) || leafIndex >= treeSize) return false;
  if (!isTreeHash(leafHash) || !isTreeHash(root) || !proof.every(isTreeHash)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = interiorHash(p, r);
      // On the right edge of a ragged tree a node has no sibling on some levels: skip them.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = interiorHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Verifies a consistency proof (RFC 9162 §2.1.4.2). Never throws. Equal sizes need equal roots and an empty
 * proof; an empty old tree needs the empty-tree root and an empty proof.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: Buffer,
  toRoot: Buffer,
  proof: Buffer[],
): boolean {
  if (!isValidSize(fromSize) || !isValidSize(toSize) || fromSize > toSize) return false;
  if (!isTreeHash(fromRoot) || !isTreeHash(toRoot) || !proof.every(isTreeHash)) return false;
  if (fromSize === 0) return proof.length === 0 && fromRoot.equals(EMPTY_TREE_ROOT);
  if (fromSize === toSize) return proof.length === 0 && fromRoot.equals(toRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = interiorHash(c, fr);
      sr = interiorHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = interiorHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}
