import { hash } from 'node:crypto';
import { constants, inflateRawSync } from 'node:zlib';
import { inflateUpTo } from './inflate-head';

/**
 * Judges a ZIP-based attachment by unpacking it, not by the sizes it claims: a receiving school's
 * software unpacks what the deflate streams hold, whatever the local headers or the central directory
 * say. Entries are found by their local header signature anywhere in the bytes (a lying size, a
 * central directory or bytes before the archive cannot hide one, and overlapping entries each count);
 * every entry is inflated with one budget for the whole attachment, and every entry whose unpacked
 * bytes hold a local header signature anywhere is judged as an archive in turn (unzip tools open an
 * archive behind a prefix or a self-extracting stub), up to a nesting depth.
 */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
/**
 * Archive levels that are unpacked: the attachment (1), an archive in it (2, e.g. a spreadsheet
 * embedded in a docx), and one more. Deeper nesting is refused, not unpacked further.
 */
export const MAX_ZIP_NESTING = 3;
/**
 * Packed bytes the inflaters may read for one attachment in all. Entries may overlap (each counts), so
 * thousands of headers can share one long stream that unpacks to nothing: without this, judging them
 * would read the stream once per header. An ordinary archive reads each packed byte once per level.
 */
export const MAX_PACKED_BYTES_READ = 2 * MAX_UNPACKED_BYTES;
/** The most a deflate stream can expand one input byte to (258-byte matches of a few bits each). */
const DEFLATE_MAX_EXPANSION = 1032;
/** Entries that unpack to at most this are unpacked in TypeScript; larger ones by node:zlib. */
const SMALL_OUTPUT_BYTES = 1024 * 1024;
/** Entries with more bytes than this to the end of their archive are given to node:zlib first. */
const ZLIB_FIRST_INPUT_BYTES = 16 * 1024;

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
const DATA_DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const STORED = 0;
const DEFLATED = 8;
/**
 * Methods the ZIP specification (APPNOTE 4.4.5) defines besides stored and deflate: some tool unpacks
 * each of them (bzip2, LZMA, zstd, xz, PPMd, …, 99 = AES-encrypted), and we cannot check any. A header
 * naming one is refused wherever it stands; a header naming an undefined method is a chance signature
 * inside other data (no tool unpacks such an entry).
 */
const UNCHECKED_METHODS = new Set([
  1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 14, 16, 18, 19, 20, 93, 94, 95, 96, 97, 98, 99,
]);

export type ZipJudgement =
  | { verdict: 'acceptable' }
  | { verdict: 'too-large'; unpackedAtLeast: number }
  | { verdict: 'too-deep' }
  | { verdict: 'too-costly' }
  | { verdict: 'unchecked-method'; method: number };

interface Budget {
  /** Unpacked bytes still allowed. */
  left: number;
  /** Packed bytes the inflaters may still read. */
  readLeft: number;
}

interface Entry {
  /** Where the local header stands. */
  at: number;
  method: number;
  /** Where the entry's data starts; it runs to the end of the archive: its sizes are not trusted. */
  start: number;
  /** The stored size, only for stored entries (they cannot expand). */
  storedBytes: number;
}

/** Whether the bytes hold a ZIP local header anywhere (a prefixed archive still opens in most tools). */
export function looksLikeZip(content: Buffer): boolean {
  return content.indexOf(LOCAL_HEADER) !== -1;
}

export function judgeZip(content: Buffer): ZipJudgement {
  // Judgements are remembered by SHA-256 of the exact bytes (one-shot, no Hash object): a school sends
  // the same attachments again with each new version of a dossier, and unpacking in TypeScript runs at
  // some 30 MB/s.
  const key = hash('sha256', content, 'base64');
  const known = judged.get(key);
  if (known) return known;
  const judgement = judgeArchive(
    content,
    content.length,
    { left: MAX_UNPACKED_BYTES, readLeft: MAX_PACKED_BYTES_READ },
    1,
  );
  if (judged.size >= REMEMBERED_JUDGEMENTS) judged.delete(judged.keys().next().value as string);
  judged.set(key, judgement);
  return judgement;
}

/** Judgements by SHA-256 of the attachment's bytes; the oldest go first. */
const judged = new Map<string, ZipJudgement>();
const REMEMBERED_JUDGEMENTS = 256;

/**
 * Judges the entries whose local headers stand before `scanEnd` in `bytes` (their data may run on to
 * the end: a stored archive's last entry is read as far as a tool would read it).
 */
function judgeArchive(bytes: Buffer, scanEnd: number, budget: Budget, level: number): ZipJudgement {
  const unchecked = uncheckedMethod(bytes, scanEnd);
  if (unchecked !== null) return { verdict: 'unchecked-method', method: unchecked };
  // Entries inside a stored archive that was judged as one are not counted a second time here.
  let judgedUntil = 0;
  for (const entry of entriesOf(bytes, scanEnd)) {
    if (entry.at < judgedUntil) continue;
    let output: Buffer;
    if (entry.method === STORED) {
      output = bytes.subarray(entry.start, entry.start + entry.storedBytes);
    } else {
      if (budget.readLeft < 0) return { verdict: 'too-costly' };
      const unpacked = inflated(bytes.subarray(entry.start), budget);
      if (typeof unpacked === 'number') {
        budget.left -= unpacked;
        if (budget.left < 0) return { verdict: 'too-large', unpackedAtLeast: MAX_UNPACKED_BYTES + 1 };
        continue;
      }
      output = unpacked;
    }
    budget.left -= output.length;
    if (budget.left < 0) return { verdict: 'too-large', unpackedAtLeast: MAX_UNPACKED_BYTES - budget.left };
    // An archive anywhere in the entry, not only at its start: unzip opens one behind a prefix.
    if (output.indexOf(LOCAL_HEADER) === -1) continue;
    if (level >= MAX_ZIP_NESTING) return { verdict: 'too-deep' };
    const judgement =
      entry.method === STORED
        ? judgeArchive(bytes.subarray(entry.start), entry.storedBytes, budget, level + 1)
        : judgeArchive(output, output.length, budget, level + 1);
    if (judgement.verdict !== 'acceptable') return judgement;
    if (entry.method === STORED) judgedUntil = entry.start + entry.storedBytes;
  }
  return { verdict: 'acceptable' };
}

/**
 * A deflate stream's unpacked bytes, up to one more than the budget allows; or, for a damaged stream
 * that unpacks to more than SMALL_OUTPUT_BYTES before the damage, the most it could hold (zlib does not
 * say how much came out before the damage). The packed bytes read are taken from the budget.
 */
function inflated(data: Buffer, budget: Budget): Buffer | number {
  // Long inputs go to node:zlib first (about ten times the TypeScript inflater's speed, once its setup
  // of some 50 µs is paid); a stream zlib calls damaged is unpacked in TypeScript, which gives what
  // came out before the damage, as a tool would.
  const zlibFirst = data.length > ZLIB_FIRST_INPUT_BYTES;
  if (zlibFirst) {
    const output = zlibInflated(data, budget);
    if (output !== null) return output;
  }
  const small = inflateUpTo(data, Math.min(SMALL_OUTPUT_BYTES, budget.left + 1));
  budget.readLeft -= small.inputRead;
  if (!small.reachedLimit || small.output.length > budget.left) {
    return Buffer.from(small.output.buffer, small.output.byteOffset, small.output.length);
  }
  return (zlibFirst ? null : zlibInflated(data, budget)) ?? data.length * DEFLATE_MAX_EXPANSION;
}

/** The stream by node:zlib, up to one more than the budget allows (a number past it), or null if damaged. */
function zlibInflated(data: Buffer, budget: Budget): Buffer | number | null {
  try {
    // Truncated streams (the official examples carry some) give what they hold; past the budget zlib
    // stops with ERR_BUFFER_TOO_LARGE instead of allocating more.
    const { buffer, engine } = inflateRawSync(data, {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: budget.left + 1,
      info: true,
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    budget.readLeft -= engine.bytesWritten;
    return buffer;
  } catch (error) {
    // How much was read before it stopped is not told: all of it counts.
    budget.readLeft -= data.length;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return budget.left + 1;
    return null;
  }
}

/**
 * A method we cannot check, named by a local header or a central directory record anywhere before
 * `scanEnd` (a tool may take the method from either), or null.
 */
function uncheckedMethod(bytes: Buffer, scanEnd: number): number | null {
  const scanned = signaturesBefore(bytes, scanEnd);
  for (const [signature, methodAt] of [
    [LOCAL_HEADER, 8],
    [CENTRAL_HEADER, 10],
  ] as const) {
    for (let at = scanned.indexOf(signature); at !== -1; at = scanned.indexOf(signature, at + 4)) {
      if (at + methodAt + 2 > bytes.length) break;
      const method = bytes.readUInt16LE(at + methodAt);
      if (UNCHECKED_METHODS.has(method)) return method;
    }
  }
  return null;
}

/** Every stored or deflated entry with a local header signature before `scanEnd`. */
function entriesOf(bytes: Buffer, scanEnd: number): Entry[] {
  const entries: Entry[] = [];
  let descriptors: number[] | undefined;
  const scanned = signaturesBefore(bytes, scanEnd);
  for (let at = scanned.indexOf(LOCAL_HEADER); at !== -1; at = scanned.indexOf(LOCAL_HEADER, at + 4)) {
    if (at + 30 > bytes.length) break;
    const method = bytes.readUInt16LE(at + 8);
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    if (start > bytes.length || (method !== STORED && method !== DEFLATED)) continue;
    const left = bytes.length - start;
    // Bit 3: the sizes follow the data, so a stored entry ends at a data descriptor that gives its
    // length (streaming writers put one there); without one, all the rest counts.
    const sizeFollows = (bytes.readUInt16LE(at + 6) & 0x08) !== 0;
    const storedBytes =
      method !== STORED
        ? 0
        : sizeFollows
          ? describedLength(bytes, (descriptors ??= descriptorsIn(bytes)), start)
          : Math.min(bytes.readUInt32LE(at + 18), left);
    entries.push({ at, method, start, storedBytes });
  }
  return entries;
}

/** The bytes where a signature starting before `scanEnd` stands: searching goes no further. */
function signaturesBefore(bytes: Buffer, scanEnd: number): Buffer {
  return bytes.subarray(0, Math.min(bytes.length, scanEnd + LOCAL_HEADER.length - 1));
}

/**
 * A stored entry's length by one of the first data descriptors after it that states it; else all the
 * rest. Descriptor signatures are found once per archive; only a few after each entry are looked at
 * (a stored archive inside may carry descriptors of its own), so that many entries cost no more than
 * one pass over the bytes.
 */
function describedLength(bytes: Buffer, descriptors: number[], start: number): number {
  let low = 0;
  let high = descriptors.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (descriptors[middle] < start) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < Math.min(descriptors.length, low + DESCRIPTORS_LOOKED_AT); index++) {
    const at = descriptors[index];
    if (at + 12 <= bytes.length && bytes.readUInt32LE(at + 8) === at - start) return at - start;
  }
  return bytes.length - start;
}

/** Data descriptors looked at after a stored entry whose size follows its data. */
const DESCRIPTORS_LOOKED_AT = 16;

function descriptorsIn(bytes: Buffer): number[] {
  const found: number[] = [];
  for (let at = bytes.indexOf(DATA_DESCRIPTOR); at !== -1; at = bytes.indexOf(DATA_DESCRIPTOR, at + 4)) {
    found.push(at);
  }
  return found;
}
