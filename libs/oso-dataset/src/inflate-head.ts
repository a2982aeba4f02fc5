/**
 * Inflates a raw deflate stream in plain TypeScript, up to `limit` bytes of output: to unpack small
 * ZIP entries whole. node:zlib sets up a stream object per call and fflate builds 64 KB lookup tables
 * per block; for the official examples' fifteen small attachments, some with archives inside, either
 * cost more than the whole rest of the validation. This follows zlib's reference decoder (puff.c): canonical Huffman
 * codes decoded bit by bit (the code lengths of a block's header by a small lookup table), cheap for
 * small streams, too slow for large ones (node:zlib does those).
 *
 * A truncated or damaged stream gives what came out before the damage, as a tool unpacking it would.
 * `inputRead` says how many bytes of `data` were read: an output that reached the limit depends on
 * those bytes only, whatever follows them.
 */
export function inflateUpTo(
  data: Uint8Array,
  limit: number,
): { output: Uint8Array; reachedLimit: boolean; inputRead: number } {
  const out = new Output(limit);
  const input = new BitReader(data);
  try {
    let last = 0;
    while (!last && !out.full) {
      last = input.bits(1);
      const type = input.bits(2);
      if (type === 0) stored(input, out);
      else if (type === 1) codes(input, out, fixedCodes());
      else if (type === 2) codes(input, out, dynamicCodes(input));
      else break;
    }
  } catch (error) {
    // The input ended or is damaged: what came out so far is the answer.
    if (!(error instanceof DeflateDataError)) throw error;
  }
  return {
    output: out.bytes.subarray(0, out.length),
    reachedLimit: out.length >= limit,
    inputRead: Math.min(data.length, input.bytesRead()),
  };
}

class Output {
  bytes: Uint8Array;
  length = 0;

  constructor(private readonly limit: number) {
    this.bytes = new Uint8Array(Math.min(limit, 4096));
  }

  get full(): boolean {
    return this.length >= this.limit;
  }

  push(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  /** Copies `length` bytes from `distance` back, as far as the limit allows. */
  copy(distance: number, length: number): void {
    const end = Math.min(this.limit, this.length + length);
    if (end > this.bytes.length) this.grow(end - this.length);
    const bytes = this.bytes;
    for (let at = this.length; at < end; at++) bytes[at] = bytes[at - distance];
    this.length = end;
  }

  private grow(needed: number): void {
    const larger = new Uint8Array(
      Math.min(this.limit, Math.max(this.bytes.length * 2, this.length + needed)),
    );
    larger.set(this.bytes.subarray(0, this.length));
    this.bytes = larger;
  }
}

class DeflateDataError extends Error {}

class BitReader {
  private position = 0;
  private buffer = 0;
  private count = 0;
  /** The furthest the input was read before `position` last moved back or jumped (stored blocks). */
  private furthest = 0;

  constructor(private readonly data: Uint8Array) {}

  bits(needed: number): number {
    let value = this.buffer;
    while (this.count < needed) {
      if (this.position >= this.data.length) throw new DeflateDataError('input ended');
      value |= this.data[this.position++] << this.count;
      this.count += 8;
    }
    this.buffer = value >>> needed;
    this.count -= needed;
    return value & ((1 << needed) - 1);
  }

  /** The next `wanted` bits without taking them; past the end of the input they read as 0. */
  peek(wanted: number): number {
    while (this.count < wanted && this.position < this.data.length) {
      this.buffer |= this.data[this.position++] << this.count;
      this.count += 8;
    }
    return this.buffer & ((1 << wanted) - 1);
  }

  /** Takes `count` bits already peeked at. */
  skip(count: number): void {
    if (this.count < count) throw new DeflateDataError('input ended');
    this.buffer >>>= count;
    this.count -= count;
  }

  /** Drops the bits left in the current byte; returns the next byte's position. */
  align(): number {
    // Whole bytes that peek fetched ahead are given back.
    this.furthest = Math.max(this.furthest, this.position);
    this.position -= this.count >>> 3;
    this.buffer = 0;
    this.count = 0;
    return this.position;
  }

  byteAt(offset: number): number {
    if (offset >= this.data.length) throw new DeflateDataError('input ended');
    return this.data[offset];
  }

  /** Continues after a stored block's bytes, of which those before `read` were read. */
  skipTo(position: number, read: number): void {
    this.furthest = Math.max(this.furthest, read);
    this.position = position;
  }

  bytesRead(): number {
    return Math.max(this.furthest, this.position);
  }
}

function stored(input: BitReader, out: Output): void {
  const at = input.align();
  const length = input.byteAt(at) | (input.byteAt(at + 1) << 8);
  let index = 0;
  for (; index < length && !out.full; index++) out.push(input.byteAt(at + 4 + index));
  input.skipTo(at + 4 + length, at + 4 + index);
}

interface Huffman {
  /** Number of codes of each length (0..15). */
  count: Int16Array;
  /** Symbols ordered by code. */
  symbol: Int16Array;
}

/**
 * The canonical code of `n` code lengths from `lengths[from]` on, written into `into` (fresh arrays
 * per block cost more than the decoding itself for the small streams this reads).
 */
function huffman(lengths: ArrayLike<number>, from: number, n: number, into: Huffman): Huffman {
  const { count, symbol } = into;
  count.fill(0);
  for (let index = 0; index < n; index++) count[lengths[from + index]]++;
  OFFSETS[1] = 0;
  for (let length = 1; length < 15; length++) OFFSETS[length + 1] = OFFSETS[length] + count[length];
  for (let index = 0; index < n; index++) {
    const length = lengths[from + index];
    if (length !== 0) symbol[OFFSETS[length]++] = index;
  }
  return into;
}

const OFFSETS = new Int16Array(16);

function emptyHuffman(symbols: number): Huffman {
  return { count: new Int16Array(16), symbol: new Int16Array(symbols) };
}

function decode(input: BitReader, table: Huffman): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let length = 1; length <= 15; length++) {
    code |= input.bits(1);
    const count = table.count[length];
    if (code - count < first) return table.symbol[index + (code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new DeflateDataError('invalid code');
}

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

function codes(input: BitReader, out: Output, tables: [Huffman, Huffman]): void {
  const [lengths, distances] = tables;
  while (!out.full) {
    const symbol = decode(input, lengths);
    if (symbol < 256) {
      out.push(symbol);
    } else if (symbol === 256) {
      return;
    } else {
      const lengthIndex = symbol - 257;
      if (lengthIndex >= 29) throw new DeflateDataError('invalid length');
      const length = LENGTH_BASE[lengthIndex] + input.bits(LENGTH_EXTRA[lengthIndex]);
      const distanceIndex = decode(input, distances);
      if (distanceIndex >= 30) throw new DeflateDataError('invalid distance');
      const distance = DISTANCE_BASE[distanceIndex] + input.bits(DISTANCE_EXTRA[distanceIndex]);
      if (distance > out.length) throw new DeflateDataError('distance too far back');
      out.copy(distance, length);
    }
  }
}

let fixed: [Huffman, Huffman] | null = null;

function fixedCodes(): [Huffman, Huffman] {
  if (!fixed) {
    const lengths = new Int16Array(288);
    lengths.fill(8, 0, 144);
    lengths.fill(9, 144, 256);
    lengths.fill(7, 256, 280);
    lengths.fill(8, 280, 288);
    fixed = [
      huffman(lengths, 0, 288, emptyHuffman(288)),
      huffman(new Int16Array(30).fill(5), 0, 30, emptyHuffman(30)),
    ];
  }
  return fixed;
}

const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** Code-length codes are at most 7 bits long. */
const CODE_LENGTH_BITS = 7;

// One block is decoded at a time (the decoder is synchronous), so a dynamic block's tables live here.
const LENGTHS = new Int16Array(320);
const CODE_LENGTH_CODES = emptyHuffman(19);
const CODE_LENGTH_LOOKUP = new Int16Array(1 << CODE_LENGTH_BITS);
// Up to 288 literal/length codes and 32 distance codes (the header allows 2 more than are defined).
const DYNAMIC_CODES: [Huffman, Huffman] = [emptyHuffman(288), emptyHuffman(32)];

function dynamicCodes(input: BitReader): [Huffman, Huffman] {
  const lengthCount = input.bits(5) + 257;
  const distanceCount = input.bits(5) + 1;
  const codeCount = input.bits(4) + 4;
  const lengths = LENGTHS;
  lengths.fill(0);
  for (let index = 0; index < codeCount; index++) lengths[CODE_LENGTH_ORDER[index]] = input.bits(3);
  const codeLengths = huffman(lengths, 0, 19, CODE_LENGTH_CODES);
  // The ~300 code lengths are most of the work of reading a block's first bytes: each is looked up
  // with 7 bits at once rather than decoded bit by bit (the same symbols; an over-full set of codes,
  // which only damaged data has, keeps the bit-by-bit decoding and its outcome).
  const lookup = lookupTable(codeLengths, CODE_LENGTH_LOOKUP) ? CODE_LENGTH_LOOKUP : null;
  lengths.fill(0);
  for (let index = 0; index < lengthCount + distanceCount;) {
    const symbol = lookup ? decodeByLookup(input, lookup) : decode(input, codeLengths);
    if (symbol < 16) {
      lengths[index++] = symbol;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (symbol === 16) {
      if (index === 0) throw new DeflateDataError('repeat without a length');
      value = lengths[index - 1];
      repeat = 3 + input.bits(2);
    } else if (symbol === 17) {
      repeat = 3 + input.bits(3);
    } else {
      repeat = 11 + input.bits(7);
    }
    if (index + repeat > lengthCount + distanceCount) throw new DeflateDataError('too many lengths');
    while (repeat--) lengths[index++] = value;
  }
  return [
    huffman(lengths, 0, lengthCount, DYNAMIC_CODES[0]),
    huffman(lengths, lengthCount, distanceCount, DYNAMIC_CODES[1]),
  ];
}

/**
 * Fills `lookup` so that the next 7 input bits (first bit lowest) give a code-length symbol and its
 * code's length (`symbol << 3 | length`; 0 where no code matches, as decode would find). False for an
 * over-full set of codes, which a lookup cannot mirror.
 */
function lookupTable(table: Huffman, lookup: Int16Array): boolean {
  lookup.fill(0);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= CODE_LENGTH_BITS; length++) {
    for (let left = table.count[length]; left > 0; left--, code++, index++) {
      if (code >= 1 << length) return false;
      // Huffman codes are sent first bit first, so the table is indexed by the code's bits reversed.
      let reversed = 0;
      for (let bit = 0; bit < length; bit++) reversed |= ((code >>> bit) & 1) << (length - 1 - bit);
      const entry = (table.symbol[index] << 3) | length;
      for (let at = reversed; at < lookup.length; at += 1 << length) lookup[at] = entry;
    }
    code <<= 1;
  }
  return true;
}

function decodeByLookup(input: BitReader, lookup: Int16Array): number {
  const entry = lookup[input.peek(CODE_LENGTH_BITS)];
  if (entry === 0) throw new DeflateDataError('invalid code');
  input.skip(entry & 7);
  return entry >>> 3;
}
