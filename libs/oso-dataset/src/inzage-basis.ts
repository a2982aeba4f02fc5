import { createHash } from 'node:crypto';

/**
 * The parents' remarks in a dossier's `inzage` block: whether they agree with the dossier (`akkoord`)
 * and, when not, their zienswijze (`redennietakkoord`, the standard's only field for it). Adding remarks
 * sets both (akkoord Nee needs a reason, BRK.IZ.01), so both are the remarks.
 */
export const INZAGE_REMARK_ELEMENTS: readonly string[] = ['akkoord', 'redennietakkoord'];

/** An element with text content only, as canonical XML writes it (no self-closing tags, `<` escaped). */
const SIMPLE_CHILD = /(\s*)<((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)((?:\s[^>]*)?)>([^<]*)<\/\2\3>/y;

/**
 * The dossier's canonical XML (exclusive C14N) with the parents' remarks taken out of its `inzage` block,
 * and the block's layout with them: two versions with the same basis differ at most by those remarks.
 * Canonical XML escapes every `<` in text and attribute values, so each `<` is markup. A block that is not
 * a plain list of simple children (never so in a valid dossier) is left whole: the basis then equals the
 * content, and only the same content keeps an inzage.
 */
export function withoutInzageRemarks(canonical: string): string {
  const start = /<((?:[A-Za-z_][\w.-]*:)?)inzage(?:\s[^>]*)?>\s*<\1voorlopigdossier[\s>]/.exec(canonical);
  if (!start) return canonical;
  const prefix = start[1];
  const open = canonical.indexOf('>', start.index) + 1;
  const kept: string[] = [];
  let at = open;
  for (;;) {
    SIMPLE_CHILD.lastIndex = at;
    const child = SIMPLE_CHILD.exec(canonical);
    if (!child) break;
    if (child[2] !== prefix) return canonical;
    if (!INZAGE_REMARK_ELEMENTS.includes(child[3])) kept.push(child[0].slice(child[1].length));
    at = SIMPLE_CHILD.lastIndex;
  }
  const close = new RegExp(`\\s*</${prefix.replace(/[.]/g, '\\.')}inzage>`, 'y');
  close.lastIndex = at;
  if (!close.exec(canonical)) return canonical;
  return `${canonical.slice(0, open)}${kept.join('')}</${prefix}inzage>${canonical.slice(close.lastIndex)}`;
}

/** SHA-256 (hex) of `withoutInzageRemarks(canonical)`: the version's inzage basis. */
export function inzageBasisHash(canonical: string): string {
  return createHash('sha256').update(withoutInzageRemarks(canonical)).digest('hex');
}

/*
 * The same cut on the canonical form's UTF-8 bytes, without decoding them (decoding a 170 KB dossier to
 * a string and encoding it again for the hash cost about as much as validating it). Each step below is
 * the regular expression above it, matched by hand: those expressions never backtrack into a different
 * match (every repetition stops at a character the next part cannot start with), so a forward scan
 * finds exactly what they find. `\s` is JavaScript's: the Unicode spaces included, so a byte scan must
 * know their UTF-8 (inzage-basis.properties.spec.ts compares both on random text).
 */

const LT = 0x3c;
const GT = 0x3e;
const COLON = 0x3a;
const INZAGE = Buffer.from('inzage');
const VOORLOPIGDOSSIER = Buffer.from('voorlopigdossier');

/** The byte length of the character at `at` when JavaScript's `\s` matches it, else 0. */
export function spaceLength(bytes: Uint8Array, at: number): number {
  const b = bytes[at];
  if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) return 1;
  if (b === 0xc2) return bytes[at + 1] === 0xa0 ? 2 : 0; // U+00A0
  if (b < 0xe1 || b > 0xef) return 0;
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  if (b === 0xe1) return b1 === 0x9a && b2 === 0x80 ? 3 : 0; // U+1680
  if (b === 0xe3) return b1 === 0x80 && b2 === 0x80 ? 3 : 0; // U+3000
  if (b === 0xef) return b1 === 0xbb && b2 === 0xbf ? 3 : 0; // U+FEFF
  if (b !== 0xe2) return 0;
  if (b1 === 0x80) return b2 <= 0x8a || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0; // U+2000–200A, 2028, 2029, 202F
  return b1 === 0x81 && b2 === 0x9f ? 3 : 0; // U+205F
}

const isNameStart = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f; // [A-Za-z_]
const isNameChar = (b: number) => isNameStart(b) || (b >= 0x30 && b <= 0x39) || b === 0x2e || b === 0x2d; // [\w.-]

function skipSpaces(bytes: Uint8Array, at: number): number {
  for (let width = spaceLength(bytes, at); width > 0; width = spaceLength(bytes, at)) at += width;
  return at;
}

function nameEnd(bytes: Uint8Array, at: number): number {
  if (!isNameStart(bytes[at])) return -1;
  let end = at + 1;
  while (isNameChar(bytes[end])) end++;
  return end;
}

/** `(?:[A-Za-z_][\w.-]*:)` at `at`: the prefix with its colon, or null. */
function prefixAt(bytes: Buffer, at: number): Buffer | null {
  const end = nameEnd(bytes, at);
  return end !== -1 && bytes[end] === COLON ? bytes.subarray(at, end + 1) : null;
}

const startsWith = (bytes: Buffer, at: number, part: Uint8Array) =>
  at >= 0 &&
  at + part.length <= bytes.length &&
  bytes.compare(part, 0, part.length, at, at + part.length) === 0;

/** `(?:\s[^>]*)?>` at `at`: the end of the tag, or -1. */
function tagEnd(bytes: Buffer, at: number): number {
  if (spaceLength(bytes, at) > 0) return bytes.indexOf(GT, at);
  return bytes[at] === GT ? at : -1;
}

/** The start pattern tried at a `<`, the prefixed alternative first (as the expression's greedy `?`). */
function inzageStartAt(bytes: Buffer, lt: number): Buffer | null {
  for (const prefix of [prefixAt(bytes, lt + 1), Buffer.alloc(0)]) {
    if (!prefix) continue;
    let at = lt + 1 + prefix.length;
    if (!startsWith(bytes, at, INZAGE)) continue;
    const gt = tagEnd(bytes, at + INZAGE.length);
    if (gt === -1) continue;
    at = skipSpaces(bytes, gt + 1);
    if (bytes[at] !== LT || !startsWith(bytes, at + 1, prefix)) continue;
    at += 1 + prefix.length;
    if (!startsWith(bytes, at, VOORLOPIGDOSSIER)) continue;
    at += VOORLOPIGDOSSIER.length;
    if (spaceLength(bytes, at) > 0 || bytes[at] === GT) return prefix;
  }
  return null;
}

/**
 * The first match of the start expression. Every match has `inzage` after its `<` with only a prefix
 * between, so only the `<` before each `inzage` can start one, and those come in order.
 */
function findInzageStart(bytes: Buffer): { lt: number; prefix: Buffer } | null {
  let tried = -1;
  for (let hit = bytes.indexOf(INZAGE); hit !== -1; hit = bytes.indexOf(INZAGE, hit + 1)) {
    let lt = hit - 1;
    if (bytes[lt] === COLON) {
      lt--;
      while (lt >= 0 && isNameChar(bytes[lt])) lt--;
    }
    if (lt < 0 || lt <= tried || bytes[lt] !== LT) continue;
    tried = lt;
    const prefix = inzageStartAt(bytes, lt);
    if (prefix) return { lt, prefix };
  }
  return null;
}

/** SIMPLE_CHILD at `at`: where the element starts (after the layout), ends, its prefix and local name. */
function simpleChildAt(
  bytes: Buffer,
  at: number,
): { start: number; end: number; prefix: Buffer; name: Buffer } | null {
  const start = skipSpaces(bytes, at);
  if (bytes[start] !== LT) return null;
  for (const prefix of [prefixAt(bytes, start + 1), Buffer.alloc(0)]) {
    if (!prefix) continue;
    const nameStart = start + 1 + prefix.length;
    const end = nameEnd(bytes, nameStart);
    if (end === -1) continue;
    const gt = tagEnd(bytes, end);
    if (gt === -1) continue;
    const textEnd = bytes.indexOf(LT, gt + 1);
    const name = bytes.subarray(nameStart, end);
    const close = Buffer.concat([Buffer.from('</'), prefix, name, Buffer.from('>')]);
    if (textEnd !== -1 && startsWith(bytes, textEnd, close)) {
      return { start, end: textEnd + close.length, prefix, name };
    }
  }
  return null;
}

/**
 * `withoutInzageRemarks` on the canonical form's UTF-8: the same result as bytes, in parts (the
 * canonical bytes themselves when nothing is taken out), so that a hash can read them without a copy.
 */
export function withoutInzageRemarksBytes(canonical: Buffer): Buffer[] {
  const start = findInzageStart(canonical);
  if (!start) return [canonical];
  const { prefix } = start;
  const open = canonical.indexOf(GT, start.lt) + 1;
  const kept: Buffer[] = [];
  let at = open;
  for (let child = simpleChildAt(canonical, at); child; child = simpleChildAt(canonical, at)) {
    if (!child.prefix.equals(prefix)) return [canonical];
    if (!INZAGE_REMARK_ELEMENTS.includes(child.name.toString('latin1'))) {
      kept.push(canonical.subarray(child.start, child.end));
    }
    at = child.end;
  }
  const closeAt = skipSpaces(canonical, at);
  const close = Buffer.concat([Buffer.from('</'), prefix, Buffer.from('inzage>')]);
  if (!startsWith(canonical, closeAt, close)) return [canonical];
  return [canonical.subarray(0, open), ...kept, close, canonical.subarray(closeAt + close.length)];
}

/** `inzageBasisHash` of the canonical form's UTF-8; `contentHash` is reused when nothing is taken out. */
export function inzageBasisHashOfBytes(canonical: Buffer, contentHash: string): string {
  const parts = withoutInzageRemarksBytes(canonical);
  if (parts.length === 1) return contentHash;
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
