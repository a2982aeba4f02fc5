import { hash } from 'node:crypto';
import { constants, inflateRawSync } from 'node:zlib';
import { inflateUpTo } from './inflate-head';

/**
 * Judges a ZIP-based attachment by unpacking it, not by the sizes it claims: a receiving school's
 * software unpacks what the deflate streams hold, whatever the local headers or the central directory
 * say. Entries are found by their local header signature anywhere in the bytes (a lying size or a
 * central directory cannot hide one, and overlapping entries each count); every entry is inflated with
 * one budget for the whole attachment, archives inside archives included, up to a nesting depth.
 */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
/**
 * Archive levels that are unpacked: the attachment (1), an archive in it (2, e.g. a spreadsheet
 * embedded in a docx), and one more. Deeper nesting is refused, not unpacked further.
 */
export const MAX_ZIP_NESTING = 3;
/** The most a deflate stream can expand one input byte to (258-byte matches of a few bits each). */
const DEFLATE_MAX_EXPANSION = 1032;
/** Entries that unpack to at most this are unpacked in TypeScript; larger ones by node:zlib. */
const SMALL_OUTPUT_BYTES = 1024 * 1024;

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const STORED = 0;
const DEFLATED = 8;

export type ZipJudgement =
  | { verdict: 'acceptable' }
  | { verdict: 'too-large'; unpackedAtLeast: number }
  | { verdict: 'too-deep' }
  | { verdict: 'unchecked-method'; method: number };

interface Entry {
  method: number;
  /** From the entry's data to the end of the archive: its sizes are not trusted. */
  data: Buffer;
  /** The stored size, only for stored entries (they cannot expand). */
  storedBytes: number;
}

/** Whether the bytes hold a ZIP local header anywhere (a prefixed archive still opens in most tools). */
export function looksLikeZip(content: Buffer): boolean {
  return content.indexOf(LOCAL_HEADER) !== -1;
}

export function judgeZip(content: Buffer): ZipJudgement {
  const entries = entriesOf(content);
  if (!Array.isArray(entries)) return entries;
  // Most attachments need no unpacking (see unpack); the ones that do are remembered by their
  // content: a school sends the same attachments again with each new version of a dossier, and
  // unpacking in TypeScript runs at some 30 MB/s (measured: 2.9 ms for the official examples'
  // archive in an archive, against 1 ms for the whole rest of the validation).
  if (!entries.some(startsWithZip) && mostPossible(entries) <= MAX_UNPACKED_BYTES) {
    return { verdict: 'acceptable' };
  }
  // One-shot hashing: no Hash object per attachment.
  const key = hash('sha256', content, 'base64');
  const known = judged.get(key);
  if (known) return known;
  const judgement = unpack(entries, { left: MAX_UNPACKED_BYTES }, 1);
  if (judged.size >= REMEMBERED_JUDGEMENTS) judged.delete(judged.keys().next().value as string);
  judged.set(key, judgement);
  return judgement;
}

/** Judgements of archives that had to be unpacked, by SHA-256 of their bytes; the oldest go first. */
const judged = new Map<string, ZipJudgement>();
const REMEMBERED_JUDGEMENTS = 256;

function unpack(entries: Entry[], budget: { left: number }, level: number): ZipJudgement {
  // Entries whose content is no archive count at the most they could unpack to while that fits the
  // budget (the official examples' attachments): nothing need be unpacked for them. The others, and
  // all of them when their most does not fit, are unpacked.
  const archives = entries.filter(startsWithZip);
  const others = entries.filter((entry) => !archives.includes(entry));
  const most = mostPossible(others);
  const toUnpack = most <= budget.left ? archives : entries;
  if (most <= budget.left) budget.left -= most;
  for (const entry of toUnpack) {
    let output: Buffer;
    if (entry.method === STORED) {
      output = entry.data.subarray(0, entry.storedBytes);
    } else {
      const small = inflateUpTo(entry.data, Math.min(SMALL_OUTPUT_BYTES, budget.left + 1));
      if (!small.reachedLimit) {
        output = Buffer.from(small.output.buffer, small.output.byteOffset, small.output.length);
      } else {
        try {
          // Truncated streams (the official examples carry some) give what they hold; past the budget
          // zlib stops with ERR_BUFFER_TOO_LARGE instead of allocating more.
          output = inflateRawSync(entry.data, {
            finishFlush: constants.Z_SYNC_FLUSH,
            maxOutputLength: budget.left + 1,
          });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
            return { verdict: 'too-large', unpackedAtLeast: MAX_UNPACKED_BYTES + 1 };
          }
          // A damaged stream that unpacks to more than SMALL_OUTPUT_BYTES before the damage: zlib does
          // not say how much came out, so it counts at its most.
          const most = entry.data.length * DEFLATE_MAX_EXPANSION;
          if (most > budget.left) return { verdict: 'too-large', unpackedAtLeast: MAX_UNPACKED_BYTES + 1 };
          budget.left -= most;
          continue;
        }
      }
    }
    budget.left -= output.length;
    if (budget.left < 0) return { verdict: 'too-large', unpackedAtLeast: MAX_UNPACKED_BYTES - budget.left };
    if (output.length >= 4 && output.subarray(0, 4).equals(LOCAL_HEADER)) {
      if (level >= MAX_ZIP_NESTING) return { verdict: 'too-deep' };
      const inner = entriesOf(output);
      if (!Array.isArray(inner)) return inner;
      const judgement = unpack(inner, budget, level + 1);
      if (judgement.verdict !== 'acceptable') return judgement;
    }
  }
  return { verdict: 'acceptable' };
}

/** Every entry with a local header signature; a method we cannot unpack is refused where it is listed. */
function entriesOf(zip: Buffer): Entry[] | ZipJudgement {
  // Read only when an entry has another method: finding the central directory searches the bytes
  // from the end, all of them for the official examples' archives, which have none.
  let listed: Set<number> | null = null;
  const entries: Entry[] = [];
  for (let at = zip.indexOf(LOCAL_HEADER); at !== -1; at = zip.indexOf(LOCAL_HEADER, at + 4)) {
    if (at + 30 > zip.length) break;
    const method = zip.readUInt16LE(at + 8);
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    if (start > zip.length) continue;
    if (method !== STORED && method !== DEFLATED) {
      // The signature can occur by chance inside compressed data; only a real entry is refused.
      if ((listed ??= listedOffsets(zip)).has(at)) return { verdict: 'unchecked-method', method };
      continue;
    }
    const data = zip.subarray(start);
    // Bit 3: the sizes follow the data, so a stored entry's size is not known here: all of it counts.
    const sizeFollows = (zip.readUInt16LE(at + 6) & 0x08) !== 0;
    const storedBytes = sizeFollows ? data.length : Math.min(zip.readUInt32LE(at + 18), data.length);
    entries.push({ method, data, storedBytes });
  }
  return entries;
}

/** Where entries begin by the central directory, and the first byte: entries a tool really opens. */
function listedOffsets(zip: Buffer): Set<number> {
  const listed = new Set<number>([0]);
  if (zip.length < 22) return listed;
  const end = zip.lastIndexOf(END_OF_CENTRAL_DIRECTORY, zip.length - 22);
  if (end === -1) return listed;
  const count = zip.readUInt16LE(end + 10);
  let position = zip.readUInt32LE(end + 16);
  for (let entry = 0; entry < count; entry++) {
    if (position + 46 > zip.length || zip.readUInt32LE(position) !== 0x02014b50) break;
    listed.add(zip.readUInt32LE(position + 42));
    position +=
      46 +
      zip.readUInt16LE(position + 28) +
      zip.readUInt16LE(position + 30) +
      zip.readUInt16LE(position + 32);
  }
  return listed;
}

function mostPossible(entries: Entry[]): number {
  return entries.reduce(
    (sum, entry) =>
      sum + (entry.method === STORED ? entry.storedBytes : entry.data.length * DEFLATE_MAX_EXPANSION),
    0,
  );
}

/** Whether the entry's content starts with a ZIP local header (inflating only its first bytes). */
function startsWithZip(entry: Entry): boolean {
  let head: Uint8Array;
  if (entry.method === STORED) {
    head = entry.data.subarray(0, Math.min(4, entry.storedBytes));
  } else {
    head = deflatedHead(entry.data);
  }
  return head.length >= 4 && Buffer.from(head.buffer, head.byteOffset, 4).equals(LOCAL_HEADER);
}

/**
 * The first four unpacked bytes of a deflate stream, remembered by the bytes they were read from:
 * reading them means building the stream's code tables (some µs for each entry of each attachment),
 * while the same attachments come again with each new version of a dossier (and the official example
 * carries one five times). Four bytes out depend only on the input the inflater read for them, so an
 * entry whose data starts with exactly those bytes has the same head; nothing else is trusted.
 */
function deflatedHead(data: Buffer): Uint8Array {
  const key = data.toString('latin1', 0, HEAD_KEY_BYTES);
  const known = heads.get(key);
  if (
    known &&
    data.length >= known.read.length &&
    data.compare(known.read, 0, known.read.length, 0, known.read.length) === 0
  ) {
    return known.head;
  }
  const { output, reachedLimit, inputRead } = inflateUpTo(data, 4);
  // A shorter head may depend on where the input ended: it is read again each time.
  if (reachedLimit && inputRead <= MAX_REMEMBERED_HEAD_INPUT) {
    if (heads.size >= REMEMBERED_HEADS) heads.delete(heads.keys().next().value as string);
    heads.set(key, { read: Buffer.from(data.subarray(0, inputRead)), head: output });
  }
  return output;
}

/** Heads by the first bytes of their stream; a stream's header (code tables) fills its first ~100 bytes. */
const heads = new Map<string, { read: Buffer; head: Uint8Array }>();
const HEAD_KEY_BYTES = 32;
const REMEMBERED_HEADS = 1024;
/** Longer inputs for four bytes (many empty blocks first) are not remembered: at most 1 MiB in all. */
const MAX_REMEMBERED_HEAD_INPUT = 1024;
