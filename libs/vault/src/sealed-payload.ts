/**
 * One dossier version encrypted at rest, as a TypeORM entity stores it (bytea and text columns).
 *
 * Envelope: the dossier is encrypted with its own data key (AES-256-GCM: `ciphertext`, `iv`, `tag`); the
 * data key is encrypted ("wrapped") with the key-encryption key `kekId` (AES-256-GCM: `wrappedKey`,
 * `wrapIv`, `wrapTag`). Nothing here is secret without a KEK from the configuration.
 *
 * Crypto-shredding deletes `wrappedKey` (set the column to NULL): the data key then exists nowhere and the
 * ciphertext can never be opened again. The other fields may stay; they reveal nothing but the size.
 */
export interface SealedPayload {
  /** The dossier, encrypted with the data key. Never changes after sealing, not even on rotation. */
  ciphertext: Buffer;
  /** 12-byte GCM nonce of the dossier encryption, fresh for every seal. */
  iv: Buffer;
  /** 16-byte GCM authentication tag of the dossier encryption. */
  tag: Buffer;
  /** The 32-byte data key encrypted with the KEK `kekId`; `null` once shredded. */
  wrappedKey: Buffer | null;
  /** 12-byte GCM nonce of the key wrap, fresh for every wrap and re-wrap. */
  wrapIv: Buffer;
  /** 16-byte GCM authentication tag of the key wrap. */
  wrapTag: Buffer;
  /** Id of the key-encryption key that wrapped the data key (an entry of VAULT_KEKS). */
  kekId: string;
}

/** The wrapped data key of a sealed payload: what opens it, and a companion sealed with it. */
export type WrappedDataKey = Pick<SealedPayload, 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'kekId'>;

/**
 * A small plaintext sealed under a payload's own data key (`DossierVault.sealWithCompanion`), with its own
 * nonce and a context of its own: no wrapped key of its own, so shredding the payload's key shreds it and
 * re-wrapping that key (rotation) keeps it readable.
 */
export interface SealedCompanion {
  ciphertext: Buffer;
  /** 12-byte GCM nonce, fresh for every seal (the data key's second nonce). */
  iv: Buffer;
  /** 16-byte GCM authentication tag. */
  tag: Buffer;
}

/** The payload with its data key deleted: what a dossier's row holds after crypto-shredding. */
export function shredDataKey(sealed: SealedPayload): SealedPayload {
  return { ...sealed, wrappedKey: null };
}
