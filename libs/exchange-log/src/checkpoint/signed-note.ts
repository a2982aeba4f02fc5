import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { NoteError } from './note-error';
import { decodeStrictBase64, isValidKeyName, noteCharactersProblem } from './note-text';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519, the format of Go's golang.org/x/mod/sumdb/note, so
 * that transparency tooling (witnesses, monitors, `go` itself) can read the broker's checkpoints.
 */

/** The signature type byte of Ed25519 in key ids and key texts. */
const ED25519_TYPE = 0x01;
const KEY_ID_SIZE = 4;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
/** Em dash and space open every signature line. */
const SIGNATURE_LINE_PREFIX = '\u2014 ';
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';
/** The spec asks verifiers to accept at least 16; Go's limit is 100. Bounds the work one note can cause. */
const MAX_SIGNATURES = 100;
/** DER wrappers of a raw Ed25519 key (RFC 8410): SPKI for the public key, PKCS #8 for the seed. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface LogSigningKey {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface NoteVerifierKey {
  name: string;
  /** The key id as 8 lowercase hex digits, as in key texts. */
  keyId: string;
  publicKey: KeyObject;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
}

function rawSeed(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], as hex. */
function keyIdOf(name: string, publicKey: KeyObject): string {
  const typedKey = Buffer.concat([Buffer.from([ED25519_TYPE]), rawPublicKey(publicKey)]);
  const digest = createHash('sha256').update(`${name}\n`).update(typedKey).digest();
  return digest.subarray(0, KEY_ID_SIZE).toString('hex');
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new NoteError('NOTE_KEY_INVALID', `A key name must be non-empty, without spaces or '+': "${name}"`);
  }
}

export function generateLogSigningKey(name: string): LogSigningKey {
  assertKeyName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey };
}

/** "name+keyid+base64(0x01 || public key)": what a verifier of the log is configured with. */
export function verifierKey(key: { name: string; publicKey: KeyObject }): string {
  assertKeyName(key.name);
  const typedKey = Buffer.concat([Buffer.from([ED25519_TYPE]), rawPublicKey(key.publicKey)]);
  return `${key.name}+${keyIdOf(key.name, key.publicKey)}+${typedKey.toString('base64')}`;
}

/** "PRIVATE+KEY+name+keyid+base64(0x01 || seed)": the secret form, as Go's note.GenerateKey writes it. */
export function signerKey(key: LogSigningKey): string {
  assertKeyName(key.name);
  const typedSeed = Buffer.concat([Buffer.from([ED25519_TYPE]), rawSeed(key.privateKey)]);
  return `${SIGNER_KEY_PREFIX}${key.name}+${keyIdOf(key.name, key.publicKey)}+${typedSeed.toString('base64')}`;
}

/** name, key id and the 32 key bytes of "name+keyid+base64(0x01 || key)"; the kind says which key for errors. */
function splitKeyText(text: string, kind: string): { name: string; keyId: string; keyBytes: Buffer } {
  const refuse = (why: string): never => {
    throw new NoteError('NOTE_KEY_INVALID', `Not a ${kind} key: ${why}`);
  };
  // The base64 part may itself contain '+', so only the first two separators count.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) refuse('expected name+keyid+base64 key');
  const [name, keyId, encoded] = [
    text.slice(0, first),
    text.slice(first + 1, second),
    text.slice(second + 1),
  ];
  if (!isValidKeyName(name)) refuse("the name is empty or has spaces or '+'");
  if (!/^[0-9a-f]{8}$/i.test(keyId)) refuse('the key id is not 8 hex digits');
  const typedKey = decodeStrictBase64(encoded);
  if (typedKey === null) refuse('the key is not canonical base64');
  const bytes = typedKey as Buffer;
  if (bytes.length !== 1 + ED25519_KEY_SIZE || bytes[0] !== ED25519_TYPE) {
    refuse('only Ed25519 keys (type 0x01, 32 bytes) are supported');
  }
  return { name, keyId: keyId.toLowerCase(), keyBytes: bytes.subarray(1) };
}

export function parseVerifierKey(text: string): NoteVerifierKey {
  const { name, keyId, keyBytes } = splitKeyText(text, 'verifier');
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, keyBytes]),
    format: 'der',
    type: 'spki',
  });
  if (keyIdOf(name, publicKey) !== keyId) {
    throw new NoteError(
      'NOTE_KEY_INVALID',
      `Not a verifier key: the key id of "${name}" does not match its key`,
    );
  }
  return { name, keyId, publicKey };
}

export function parseSignerKey(text: string): LogSigningKey {
  if (!text.startsWith(SIGNER_KEY_PREFIX)) {
    throw new NoteError('NOTE_KEY_INVALID', `Not a signer key: it must start with ${SIGNER_KEY_PREFIX}`);
  }
  const { name, keyId, keyBytes } = splitKeyText(text.slice(SIGNER_KEY_PREFIX.length), 'signer');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, keyBytes]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  if (keyIdOf(name, publicKey) !== keyId) {
    throw new NoteError(
      'NOTE_KEY_INVALID',
      `Not a signer key: the key id of "${name}" does not match its key`,
    );
  }
  return { name, privateKey, publicKey };
}

function assertNoteText(body: string): void {
  const problem = body.length === 0 ? 'it is empty' : noteCharactersProblem(body);
  if (problem !== null) throw new NoteError('NOTE_MALFORMED', `A note text cannot be signed: ${problem}`);
  if (!body.endsWith('\n')) throw new NoteError('NOTE_MALFORMED', 'A note text must end with a newline');
}

/** The note: `body`, a blank line, and the signature line "— name base64(keyid || Ed25519 signature)". */
export function signNote(body: string, key: LogSigningKey): string {
  assertNoteText(body);
  assertKeyName(key.name);
  const signature = sign(null, Buffer.from(body, 'utf8'), key.privateKey);
  const keyId = Buffer.from(keyIdOf(key.name, key.publicKey), 'hex');
  return `${body}\n${SIGNATURE_LINE_PREFIX}${key.name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

interface SignatureLine {
  name: string;
  keyId: string;
  signature: Buffer;
}

function parseSignatureLine(line: string): SignatureLine {
  const malformed = (why: string): never => {
    throw new NoteError('NOTE_MALFORMED', `Not a signed note: a signature line ${why}`);
  };
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) malformed('does not start with an em dash and a space');
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  const [name, encoded] = space < 0 ? [rest, ''] : [rest.slice(0, space), rest.slice(space + 1)];
  if (!isValidKeyName(name)) malformed('has no valid key name');
  const bytes = decodeStrictBase64(encoded);
  if (bytes === null || bytes.length <= KEY_ID_SIZE) malformed('has no base64 key id and signature');
  const signed = bytes as Buffer;
  return {
    name,
    keyId: signed.subarray(0, KEY_ID_SIZE).toString('hex'),
    signature: signed.subarray(KEY_ID_SIZE),
  };
}

/**
 * Opens a signed note: checks its form, verifies every signature by a known key and returns the text with
 * the names of the keys that signed it. Signatures by unknown keys are ignored (that is how witnesses
 * cosign and keys rotate); a known key's bad signature, or no known signature at all, is refused.
 */
export function openNote(note: string, verifierKeys: string[]): { body: string; verifiedBy: string[] } {
  const known = verifierKeys.map(parseVerifierKey);
  const problem = noteCharactersProblem(note);
  if (problem !== null) throw new NoteError('NOTE_MALFORMED', `Not a signed note: ${problem}`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) {
    throw new NoteError(
      'NOTE_MALFORMED',
      'Not a signed note: no blank line between the text and the signatures',
    );
  }
  const body = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) {
    throw new NoteError(
      'NOTE_MALFORMED',
      'Not a signed note: it must end with a newline after the last signature',
    );
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new NoteError('NOTE_MALFORMED', `Not a signed note: more than ${MAX_SIGNATURES} signatures`);
  }
  const signatures = lines.map(parseSignatureLine);
  const text = Buffer.from(body, 'utf8');
  const verifiedBy: string[] = [];
  const seen = new Set<string>();
  for (const { name, keyId, signature } of signatures) {
    const id = `${name}+${keyId}`;
    const key = known.find((candidate) => candidate.name === name && candidate.keyId === keyId);
    if (key === undefined || seen.has(id)) continue;
    seen.add(id);
    if (signature.length !== ED25519_SIGNATURE_SIZE || !verify(null, text, key.publicKey, signature)) {
      throw new NoteError(
        'NOTE_SIGNATURE_INVALID',
        `The signature of ${id} does not verify: the note was changed after it was signed, or not signed by that key`,
      );
    }
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) {
    const signers = signatures.map(({ name, keyId }) => `${name}+${keyId}`).join(', ');
    const trusted = known.map(({ name, keyId }) => `${name}+${keyId}`).join(', ') || 'none';
    throw new NoteError(
      'NOTE_UNVERIFIED',
      `The note has no signature by a known key: signed by ${signers}; known keys: ${trusted}`,
    );
  }
  return { body, verifiedBy };
}
