import { hash as oneShotHash } from 'node:crypto';

/** RFC 9162 §2.1.1 (unchanged from RFC 6962): SHA-256 with a one-byte prefix that tells leaves from interior
 *  nodes, so no entry can be passed off as a node (second-preimage resistance). */
const LEAF_PREFIX = Buffer.from([0x00]);
const INTERIOR_PREFIX = Buffer.from([0x01]);

/** Every hash in the tree is one SHA-256 digest. */
export const HASH_SIZE = 32;

/** MTH({}): the root of the empty tree is the hash of the empty string. */
export const EMPTY_TREE_ROOT: Buffer = sha256(Buffer.alloc(0));

/** One-shot hashing (`crypto.hash`) is about twice as fast as a Hash object for inputs this small. */
function sha256(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(entry: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, entry]));
}

/** SHA-256(0x01 || left || right). */
export function interiorHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.concat([INTERIOR_PREFIX, left, right]));
}

/** For hashes that come from a store: a wrong length is a bug or corruption, never a valid node. */
export function checkedTreeHash(hash: Buffer | undefined): Buffer {
  if (!Buffer.isBuffer(hash) || hash.length !== HASH_SIZE) {
    throw new TypeError(`A tree hash is ${HASH_SIZE} bytes of SHA-256, got ${hash?.length ?? 'nothing'}`);
  }
  return hash;
}
