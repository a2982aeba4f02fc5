import { ConfigError, Environment, readConfig } from '@app/config';
import { KeyObject, createSecretKey, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Key-encryption key ids: short, safe in logs and database columns, and never mistakable for a key. */
const KEK_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEK_BYTES = 32;
/** Standard base64 as `openssl rand -base64 32` prints it; Buffer.from alone would skip bad characters. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Both values are only checked for presence here. readConfig quotes a refused value in its message, and
 * VAULT_KEKS holds key material (VAULT_ACTIVE_KEK may too, if the two get mixed up), so the content is
 * checked by readVaultConfig, whose messages never repeat a key.
 */
export const vaultConfigShape = {
  /** Comma-separated `id:base64` entries, one per key-encryption key; each key exactly 32 bytes. */
  VAULT_KEKS: z.string({
    required_error: 'must list the key-encryption keys as comma-separated id:base64 entries',
  }),
  /** The id in VAULT_KEKS that wraps new data keys; older ids stay listed until `oso vault rotate` ran. */
  VAULT_ACTIVE_KEK: z.string({
    required_error: 'must name the key-encryption key (an id in VAULT_KEKS) for new dossiers',
  }),
};

export function isKekId(value: string): boolean {
  return KEK_ID.test(value);
}

export interface VaultConfig {
  /**
   * Key-encryption keys by id. KeyObjects, not Buffers: printing or serialising the config by mistake
   * shows no key bytes.
   */
  keks: ReadonlyMap<string, KeyObject>;
  activeKekId: string;
}

export function readVaultConfig(env?: Environment): VaultConfig {
  const raw = readConfig(vaultConfigShape, env);
  const keks = parseKeks(raw.VAULT_KEKS);
  const activeKekId = raw.VAULT_ACTIVE_KEK.trim();
  if (!KEK_ID.test(activeKekId)) {
    // Not quoted: a value that is no id could be a key pasted into the wrong variable.
    throw new ConfigError('VAULT_ACTIVE_KEK', 'must be a key id of 1-32 letters, digits, "_" or "-"');
  }
  if (!keks.has(activeKekId)) {
    throw new ConfigError(
      'VAULT_ACTIVE_KEK',
      `names "${activeKekId}", which is not in VAULT_KEKS (listed: ${[...keks.keys()].join(', ')})`,
    );
  }
  return { keks, activeKekId };
}

function parseKeks(value: string): Map<string, KeyObject> {
  const keks = new Map<string, KeyObject>();
  for (const [index, rawEntry] of value.split(',').entries()) {
    // Messages name an entry by its position, and by its id only once the id is known to be a valid id.
    const entry = rawEntry.trim();
    const position = `entry ${index + 1}`;
    if (entry === '') throw invalidKeks(`${position} is empty`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw invalidKeks(`${position} has no "id:" before its key`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEK_ID.test(id)) {
      throw invalidKeks(`${position} has an invalid id; an id is 1-32 letters, digits, "_" or "-"`);
    }
    if (keks.has(id)) throw invalidKeks(`lists the id "${id}" twice`);
    const named = `key "${id}" (${position})`;
    if (!BASE64.test(encoded)) throw invalidKeks(`${named} is not valid base64`);
    const bytes = Buffer.from(encoded, 'base64');
    const length = bytes.length;
    if (length === KEK_BYTES) keks.set(id, createSecretKey(bytes));
    // createSecretKey copied the bytes; leave no second copy lying around in the heap.
    bytes.fill(0);
    if (length !== KEK_BYTES) {
      throw invalidKeks(
        `${named} is ${length} bytes; it must be exactly ${KEK_BYTES} (openssl rand -base64 32)`,
      );
    }
  }
  return keks;
}

function invalidKeks(problem: string): ConfigError {
  return new ConfigError('VAULT_KEKS', `${problem} (expected comma-separated id:base64 entries)`);
}

/** The two vault variables as environment strings. */
export interface VaultEnvironment {
  VAULT_KEKS: string;
  VAULT_ACTIVE_KEK: string;
}

/**
 * A fresh development key set (one random 32-byte key), for `npm start` on a machine without one. The
 * caller persists it (git-ignored, mode 0600); a lost development KEK makes that machine's stored
 * dossiers unreadable, which is acceptable for demo data only.
 */
export function createDevelopmentKekSet(id = 'dev-1'): VaultEnvironment {
  if (!KEK_ID.test(id)) throw new Error('A key id is 1-32 letters, digits, "_" or "-"');
  return { VAULT_KEKS: `${id}:${randomBytes(KEK_BYTES).toString('base64')}`, VAULT_ACTIVE_KEK: id };
}
