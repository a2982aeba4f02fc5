/**
 * Stable codes for payloads the vault refuses to open or re-wrap. Callers (API, CLI, worker) show or map
 * them as they are; the messages never carry key material, plaintext or the record's context.
 */
export type VaultErrorCode =
  /** The payload's wrapped data key was deleted (crypto-shredded): the dossier is gone for good. */
  | 'VAULT_KEY_SHREDDED'
  /** The payload names a key-encryption key that is not in VAULT_KEKS (retired too early, or wrong config). */
  | 'VAULT_KEK_UNKNOWN'
  /** Ciphertext, IV, tag, wrapped key or context do not belong together: tampered, swapped or corrupted. */
  | 'VAULT_INTEGRITY'
  /** The caller passed no usable context; without one a ciphertext could be moved to another record. */
  | 'VAULT_CONTEXT_INVALID';

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'VaultError';
  }
}
