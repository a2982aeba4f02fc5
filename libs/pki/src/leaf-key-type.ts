/**
 * The kind of key a leaf certificate gets. RSA-2048 stays the default (every TLS stack and HSM takes it);
 * P-256 signs about ten times cheaper, which matters when every request and every answer is signed.
 */
export const LEAF_KEY_TYPES = ['rsa-2048', 'p256'] as const;
export type LeafKeyType = (typeof LEAF_KEY_TYPES)[number];
export const DEFAULT_LEAF_KEY_TYPE: LeafKeyType = 'rsa-2048';

export function isLeafKeyType(value: string): value is LeafKeyType {
  return (LEAF_KEY_TYPES as readonly string[]).includes(value);
}
