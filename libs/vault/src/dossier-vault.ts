import { CipherGCMTypes, KeyObject, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedCompanion, SealedPayload, WrappedDataKey } from './sealed-payload';
import { VaultConfig, isKekId } from './vault.config';
import { VaultError } from './vault-error';

const ALGORITHM: CipherGCMTypes = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit nonces, the size GCM is specified for; random nonces allow 2^32 encryptions per key. */
const IV_BYTES = 12;
/** Full-length tags only: Node would otherwise accept a tag truncated to 4 bytes when opening. */
const TAG_BYTES = 16;

/**
 * Additional authenticated data. The scheme label keeps the two uses apart (a wrapped key is never valid
 * as a dossier ciphertext or the other way round); the context ties a ciphertext and its wrapped key to
 * one record; the KEK id ties the wrap to the key named in the row. A KEK id cannot contain NUL, so
 * `kekId NUL context` is unambiguous.
 */
const payloadAad = (context: string): Buffer => Buffer.from(`oso-vault/v1/dossier\0${context}`, 'utf8');
/** A companion is never valid as a payload (nor the other way round), whatever the contexts. */
const companionAad = (context: string): Buffer => Buffer.from(`oso-vault/v1/companion\0${context}`, 'utf8');
const wrapAad = (kekId: string, context: string): Buffer =>
  Buffer.from(`oso-vault/v1/data-key\0${kekId}\0${context}`, 'utf8');

/**
 * Encryption at rest of dossier versions: one fresh AES-256-GCM data key per sealed payload, wrapped by a
 * versioned key-encryption key (KEK) from VAULT_KEKS. The context names the record (e.g.
 * `transfer:<id>/version:<n>`); it must be the same when opening and must not contain personal data.
 */
export class DossierVault {
  private readonly keks: ReadonlyMap<string, KeyObject>;
  private readonly activeKekId: string;

  constructor(config: VaultConfig) {
    if (!config.keks.has(config.activeKekId)) {
      throw new Error(
        `The active key-encryption key "${config.activeKekId}" is not among the configured keys`,
      );
    }
    this.keks = config.keks;
    this.activeKekId = config.activeKekId;
  }

  seal(plaintext: Buffer, context: string): SealedPayload {
    checkContext(context);
    const dataKey = randomBytes(KEY_BYTES);
    try {
      return { ...encrypt(dataKey, plaintext, payloadAad(context)), ...this.wrap(dataKey, context) };
    } finally {
      // Best effort: the data key should live in memory no longer than this call.
      dataKey.fill(0);
    }
  }

  /**
   * Seals a payload and, under the same data key (two random nonces), a small companion with a context of
   * its own: it can be opened alone (`openCompanion`) without decrypting the payload, and goes with the
   * payload's key — shredded with it, re-wrapped with it on rotation.
   */
  sealWithCompanion(
    plaintext: Buffer,
    context: string,
    companion: Buffer,
    companionContext: string,
  ): { payload: SealedPayload; companion: SealedCompanion } {
    checkContext(context);
    checkContext(companionContext);
    const dataKey = randomBytes(KEY_BYTES);
    try {
      return {
        payload: { ...encrypt(dataKey, plaintext, payloadAad(context)), ...this.wrap(dataKey, context) },
        companion: encrypt(dataKey, companion, companionAad(companionContext)),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  open(sealed: SealedPayload, context: string): Buffer {
    checkContext(context);
    const dataKey = this.unwrap(sealed, context);
    try {
      return decrypt(dataKey, sealed, payloadAad(context), payloadIntegrityError);
    } finally {
      dataKey.fill(0);
    }
  }

  /** Opens a companion with the payload's wrapped key (`context` is the payload's); the payload stays sealed. */
  openCompanion(
    key: WrappedDataKey,
    context: string,
    companion: SealedCompanion,
    companionContext: string,
  ): Buffer {
    checkContext(context);
    checkContext(companionContext);
    const dataKey = this.unwrap(key, context);
    try {
      return decrypt(dataKey, companion, companionAad(companionContext), companionIntegrityError);
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Rotation: the same data key, wrapped again under the active KEK with a fresh nonce. Ciphertext, iv and
   * tag are returned as they were; the dossier itself is not decrypted. Once every payload of a KEK was
   * re-wrapped, that KEK can be removed from VAULT_KEKS.
   */
  rewrap(sealed: SealedPayload, context: string): SealedPayload {
    checkContext(context);
    const dataKey = this.unwrap(sealed, context);
    try {
      return { ...sealed, ...this.wrap(dataKey, context) };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Whether the payload's data key is wrapped by a KEK other than the active one (and not shredded). */
  needsRewrap(sealed: SealedPayload): boolean {
    return sealed.wrappedKey !== null && sealed.kekId !== this.activeKekId;
  }

  private wrap(
    dataKey: Buffer,
    context: string,
  ): Pick<SealedPayload, 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'kekId'> {
    const kekId = this.activeKekId;
    const wrapIv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.kek(kekId), wrapIv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(kekId, context));
    const wrappedKey = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { wrappedKey, wrapIv, wrapTag: cipher.getAuthTag(), kekId };
  }

  private unwrap(sealed: WrappedDataKey, context: string): Buffer {
    if (sealed.wrappedKey === null) {
      throw new VaultError(
        'VAULT_KEY_SHREDDED',
        'the data key of this payload was deleted (crypto-shredded); it cannot be opened again',
      );
    }
    const kek = this.kek(sealed.kekId);
    if (
      sealed.wrappedKey.length !== KEY_BYTES ||
      sealed.wrapIv.length !== IV_BYTES ||
      sealed.wrapTag.length !== TAG_BYTES
    ) {
      throw wrapIntegrityError();
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, kek, sealed.wrapIv, { authTagLength: TAG_BYTES });
      decipher.setAAD(wrapAad(sealed.kekId, context));
      decipher.setAuthTag(sealed.wrapTag);
      return Buffer.concat([decipher.update(sealed.wrappedKey), decipher.final()]);
    } catch {
      throw wrapIntegrityError();
    }
  }

  private kek(kekId: string): KeyObject {
    const kek = this.keks.get(kekId);
    if (kek === undefined) {
      // The id comes from the database row; quote it only when it looks like an id.
      const named = isKekId(kekId) ? `"${kekId}"` : '(not a valid key id)';
      throw new VaultError(
        'VAULT_KEK_UNKNOWN',
        `the payload's data key is wrapped by key-encryption key ${named}, which is not in VAULT_KEKS`,
      );
    }
    return kek;
  }
}

/** A companion as one column's bytes: its nonce, its tag, then its ciphertext (fixed sizes first). */
export function packCompanion(sealed: SealedCompanion): Buffer {
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]);
}

/** The inverse of `packCompanion`; too short a value cannot be one (a changed column). */
export function unpackCompanion(bytes: Buffer): SealedCompanion {
  if (bytes.length < IV_BYTES + TAG_BYTES) throw companionIntegrityError();
  return {
    iv: bytes.subarray(0, IV_BYTES),
    tag: bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: bytes.subarray(IV_BYTES + TAG_BYTES),
  };
}

function encrypt(dataKey: Buffer, plaintext: Buffer, aad: Buffer): SealedCompanion {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

function decrypt(
  dataKey: Buffer,
  sealed: SealedCompanion,
  aad: Buffer,
  integrityError: () => VaultError,
): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw integrityError();
  try {
    const decipher = createDecipheriv(ALGORITHM, dataKey, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // Node's own message ("Unsupported state or unable to authenticate data") says nothing more.
    throw integrityError();
  }
}

function checkContext(context: string): void {
  // An empty context would bind nothing: any ciphertext sealed without one could be moved to any record.
  if (typeof context !== 'string' || context.length === 0) {
    throw new VaultError('VAULT_CONTEXT_INVALID', 'a payload needs a non-empty context naming its record');
  }
}

function payloadIntegrityError(): VaultError {
  return new VaultError(
    'VAULT_INTEGRITY',
    'the dossier ciphertext failed its integrity check (ciphertext, IV, tag or context do not match)',
  );
}

function companionIntegrityError(): VaultError {
  return new VaultError(
    'VAULT_INTEGRITY',
    'the companion ciphertext failed its integrity check (ciphertext, IV, tag or context do not match)',
  );
}

function wrapIntegrityError(): VaultError {
  return new VaultError(
    'VAULT_INTEGRITY',
    'the wrapped data key failed its integrity check (wrapped key, its IV or tag, key id or context do not match)',
  );
}
