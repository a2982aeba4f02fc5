import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a ZIP archive written byte by byte, with sizes that may lie. */
export interface ForgedEntry {
  name: string;
  content: Buffer;
  /**
   * 8 (deflate, the default) or 0 (stored); any other method writes `content` as given, already packed
   * by the caller (e.g. a bzip2 stream for method 12).
   */
  method?: number;
  /** What the headers claim the entry unpacks to (default: the truth). */
  claimedSize?: number;
}

/**
 * A ZIP archive as a hostile sender writes it: local headers, data, and (unless left out) a central
 * directory, all claiming `claimedSize`. Nothing checks the claims, which is the point.
 */
export function forgedZip(entries: ForgedEntry[], options: { centralDirectory?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const data = method === 8 ? deflateRawSync(entry.content, { level: 9 }) : entry.content;
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.claimedSize ?? entry.content.length;
    const crc = crc32(entry.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  if (options.centralDirectory === false) return Buffer.concat(locals);
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * An archive holding an archive holding …, `levels` deep, with a small text at the bottom; each inner
 * archive stored with `method` (deflate by default) and behind `prefix` (none by default), which unzip
 * tools skip as they skip a self-extracting stub.
 */
export function nestedZip(levels: number, options: { prefix?: Buffer; method?: 0 | 8 } = {}): Buffer {
  const prefix = options.prefix ?? Buffer.alloc(0);
  let archive = forgedZip([{ name: 'bottom.txt', content: Buffer.from('the end of the nesting\n') }]);
  for (let level = 1; level < levels; level++) {
    archive = forgedZip([
      { name: `level-${level}.zip`, content: Buffer.concat([prefix, archive]), method: options.method },
    ]);
  }
  return archive;
}

/** A bzip2 stream of 400 MiB of zeros (337 bytes; Node has no bzip2, so it is written out). */
export const BZIP2_400_MIB_OF_ZEROS = Buffer.from(
  'QlpoOTFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWYlY8/sAMIpgAMAAAgAACCAAMMwFKaYkILYkhBeLuSKcKEgwF7JDAA==',
  'base64',
);
