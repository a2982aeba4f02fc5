/**
 * Positions in the tree, in plain `number` arithmetic: JavaScript's bit operators work on 32 bits, so
 * halving and powers of two are computed with division and multiplication instead. Exact for every size up
 * to Number.MAX_SAFE_INTEGER (2^53 − 1).
 */

/** A perfect subtree of 2^level leaves; it covers leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeAddress {
  level: number;
  index: number;
}

/** Sizes and indexes must be whole, non-negative and exact as numbers. */
export function assertTreePosition(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole number from 0 to 2^53 − 1, got ${value}`);
  }
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let power = 1;
  while (power < n) power *= 2;
  return power === n;
}

/**
 * The perfect subtrees that make up the leaf range [begin, end), left to right, each as large as its
 * alignment allows. For the ranges RFC 9162's recursion produces (begin a multiple of a power of two at
 * least end − begin) these are the binary digits of end − begin, largest first, and the range's hash is
 * their right fold: H(s0, H(s1, … H(sk−1, sk))).
 */
export function perfectSubtreesOfRange(begin: number, end: number): SubtreeAddress[] {
  const subtrees: SubtreeAddress[] = [];
  while (begin < end) {
    let width = 1;
    let level = 0;
    while (width * 2 <= end - begin && begin % (width * 2) === 0) {
      width *= 2;
      level += 1;
    }
    subtrees.push({ level, index: begin / width });
    begin += width;
  }
  return subtrees;
}

/** The perfect subtrees of a tree of `size` leaves, left to right: its root is their right fold. */
export function perfectSubtrees(size: number): SubtreeAddress[] {
  assertTreePosition(size, 'A tree size');
  return perfectSubtreesOfRange(0, size);
}

/**
 * The perfect subtrees completed by appending the leaf at `leafIndex`: the leaf itself (level 0) and every
 * subtree whose last leaf it is. What a store persists per integrated leaf, so that every later proof and
 * root can be read instead of recomputed.
 */
export function subtreesCompletedBy(leafIndex: number): SubtreeAddress[] {
  assertTreePosition(leafIndex, 'A leaf index');
  const completed: SubtreeAddress[] = [{ level: 0, index: leafIndex }];
  let width = 2;
  let level = 1;
  while ((leafIndex + 1) % width === 0) {
    completed.push({ level, index: (leafIndex + 1) / width - 1 });
    width *= 2;
    level += 1;
  }
  return completed;
}
