// @ts-check
/**
 * The auditor's own check of the exchange log, in the browser, with WebCrypto only: nothing here trusts
 * the broker's word. It mirrors the server's code (libs/exchange-log/src/merkle/proofs.ts `verifyInclusion`
 * and checkpoint/signed-note.ts `openNote`), and the page's browser test runs both on the same vectors.
 */

const LEAF_PREFIX = 0x00;
const INTERIOR_PREFIX = 0x01;
const HASH_SIZE = 32;
const ED25519_TYPE = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
const SIGNATURE_LINE_PREFIX = '\u2014 ';
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL_WITHOUT_LEADING_ZEROES = /^(?:0|[1-9][0-9]*)$/;

const encoder = new TextEncoder();

/** @param {Uint8Array} data */
async function sha256(data) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', /** @type {BufferSource} */ (data)));
}

/** @param {...Uint8Array} parts */
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
export function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Standard base64 with padding, canonical only (one text per byte string), as the server reads it. */
/** @param {string} text @returns {Uint8Array | null} */
export function decodeStrictBase64(text) {
  if (!STRICT_BASE64.test(text)) return null;
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : null;
}

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/** @param {Uint8Array} bytes */
export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** RFC 9162 §2.1.1: the leaf hash SHA-256(0x00 ‖ leaf bytes). @param {string} leaf the entry's canonical JSON */
export function leafHash(leaf) {
  return sha256(concat(Uint8Array.of(LEAF_PREFIX), encoder.encode(leaf)));
}

/** SHA-256(0x01 ‖ left ‖ right). @param {Uint8Array} left @param {Uint8Array} right */
export function interiorHash(left, right) {
  return sha256(concat(Uint8Array.of(INTERIOR_PREFIX), left, right));
}

/**
 * RFC 9162 §2.1.3.2: walks an inclusion proof from the leaf hash up and returns the root it leads to, or
 * null when the proof cannot be for this position (wrong length, index beyond the tree). The caller
 * compares the root with a signed checkpoint's; the server's `verifyInclusion` is the same walk.
 * @param {Uint8Array} hash the leaf hash
 * @param {number} leafIndex
 * @param {number} treeSize
 * @param {Uint8Array[]} proof bottom-up sibling hashes
 * @returns {Promise<Uint8Array | null>}
 */
export async function rootFromInclusionProof(hash, leafIndex, treeSize, proof) {
  const valid = (/** @type {number} */ n) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(leafIndex) || !valid(treeSize) || leafIndex >= treeSize) return null;
  if (hash.length !== HASH_SIZE || !proof.every((p) => p.length === HASH_SIZE)) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await interiorHash(p, r);
      // On the right edge of a ragged tree a node has no sibling on some levels: skip them.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await interiorHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * @typedef {{ text: string, name: string, keyId: string, rawKey: Uint8Array, fingerprint: string }} VerifierKey
 * `fingerprint`: SHA-256 of the key text, hex — what an auditor compares with the operator's.
 */

/**
 * Reads a C2SP verifier key "name+keyid+base64(0x01 ‖ key)" and checks its key id.
 * @param {string} text
 * @returns {Promise<VerifierKey>}
 */
export async function parseVerifierKey(text) {
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new Error('Not a log key: expected name+keyid+base64 key');
  const name = trimmed.slice(0, first);
  const keyId = trimmed.slice(first + 1, second).toLowerCase();
  if (/\s/u.test(name)) throw new Error('Not a log key: the name has spaces');
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw new Error('Not a log key: the key id is not 8 hex digits');
  const typed = decodeStrictBase64(trimmed.slice(second + 1));
  if (typed === null || typed.length !== 1 + ED25519_KEY_SIZE || typed[0] !== ED25519_TYPE) {
    throw new Error('Not a log key: only Ed25519 keys (type 0x01, 32 bytes, canonical base64) are read');
  }
  if ((await keyIdOf(name, typed)) !== keyId) {
    throw new Error(`Not a log key: the key id of "${name}" does not match its key`);
  }
  const fingerprint = toHex(await sha256(encoder.encode(trimmed)));
  return { text: trimmed, name, keyId, rawKey: typed.subarray(1), fingerprint };
}

/** key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]. @param {string} name @param {Uint8Array} typedKey */
async function keyIdOf(name, typedKey) {
  return toHex((await sha256(concat(encoder.encode(`${name}\n`), typedKey))).subarray(0, KEY_ID_SIZE));
}

/**
 * @typedef {{ origin: string, size: number, rootHash: Uint8Array }} Checkpoint
 */

/**
 * Opens a C2SP signed note with one verifier key, as the server's `openNote` does for that key: its
 * signature must be there and verify (Ed25519, WebCrypto); signatures by other keys (witnesses'
 * cosignatures) are not ours to judge. Returns the signed text; throws an Error saying what is wrong.
 * @param {string} note
 * @param {VerifierKey} key
 * @returns {Promise<string>}
 */
export async function openNote(note, key) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new Error('Not a signed note: no blank line before the signatures');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX))
      throw new Error('Not a signed note: a malformed signature line');
    const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const signed = decodeStrictBase64(space < 0 ? '' : rest.slice(space + 1));
    if (signed === null || signed.length <= KEY_ID_SIZE)
      throw new Error('Not a signed note: a malformed signature');
    if (name !== key.name || toHex(signed.subarray(0, KEY_ID_SIZE)) !== key.keyId) continue;
    const signature = signed.subarray(KEY_ID_SIZE);
    const publicKey = await crypto.subtle.importKey(
      'raw',
      /** @type {BufferSource} */ (key.rawKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    if (
      signature.length !== ED25519_SIGNATURE_SIZE ||
      !(await crypto.subtle.verify(
        { name: 'Ed25519' },
        publicKey,
        /** @type {BufferSource} */ (signature),
        /** @type {BufferSource} */ (encoder.encode(body)),
      ))
    ) {
      throw new Error(
        `The signature by ${key.name}+${key.keyId} does not verify: the note was changed after it was signed`,
      );
    }
    verified = true;
  }
  if (!verified) throw new Error(`The note is not signed by the log key ${key.name}+${key.keyId}`);
  return body;
}

/**
 * Opens a signed checkpoint (C2SP signed note + tlog-checkpoint): signed by `key`, and its origin must be
 * the key's name (a good signature on another log's tree head proves nothing about this one).
 * @param {string} note
 * @param {VerifierKey} key
 * @returns {Promise<Checkpoint>}
 */
export async function openCheckpoint(note, key) {
  return parseCheckpointBody(await openNote(note, key), key.name);
}

/** @param {string} body @param {string} expectedOrigin @returns {Checkpoint} */
function parseCheckpointBody(body, expectedOrigin) {
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('A checkpoint has at least three lines');
  const [origin, sizeText, rootText] = lines;
  if (origin !== expectedOrigin) {
    throw new Error(`The checkpoint is from log "${origin}", not from "${expectedOrigin}"`);
  }
  if (!DECIMAL_WITHOUT_LEADING_ZEROES.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new Error(`The checkpoint's tree size "${sizeText}" is not a usable number`);
  }
  const rootHash = decodeStrictBase64(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE)
    throw new Error("The checkpoint's root hash is not 32 bytes");
  return { origin, size: Number(sizeText), rootHash };
}

/**
 * @typedef {{ state: 'verified' }
 *   | { state: 'pending', why: string }
 *   | { state: 'failed', why: string }} EntryVerdict
 */

/**
 * Whether one entry, as the broker shows it, is in the signed tree: its leaf bytes hashed here, its
 * inclusion proof walked to a root, that root the checkpoint's.
 * @param {{ leaf: string, leafIndex: number | null, inclusionProof?: string[] }} entry
 * @param {Checkpoint | null} checkpoint opened (signature checked) by the caller
 * @returns {Promise<EntryVerdict>}
 */
export async function verifyEntry(entry, checkpoint) {
  if (entry.leafIndex === null || checkpoint === null || entry.leafIndex >= checkpoint.size) {
    return { state: 'pending', why: 'not yet in a signed checkpoint (the log makes one every second)' };
  }
  if (!Array.isArray(entry.inclusionProof)) {
    return { state: 'failed', why: `leaf ${entry.leafIndex} came without an inclusion proof` };
  }
  const proof = entry.inclusionProof.map(decodeStrictBase64);
  if (proof.some((hash) => hash === null || hash.length !== HASH_SIZE)) {
    return { state: 'failed', why: 'its inclusion proof is not a list of base64 SHA-256 hashes' };
  }
  const root = await rootFromInclusionProof(
    await leafHash(entry.leaf),
    entry.leafIndex,
    checkpoint.size,
    /** @type {Uint8Array[]} */ (proof),
  );
  if (root === null) {
    return {
      state: 'failed',
      why: `its proof does not fit leaf ${entry.leafIndex} of a tree of ${checkpoint.size}`,
    };
  }
  if (!sameBytes(root, checkpoint.rootHash)) {
    return {
      state: 'failed',
      why: `its content does not hash to leaf ${entry.leafIndex} of the signed tree: the row was changed, moved or inserted after it was logged`,
    };
  }
  return { state: 'verified' };
}
