/**
 * Learns, without unpacking anything, how large a ZIP file's entries claim to be once unpacked: from
 * the central directory when there is one, otherwise from the local headers in sequence (the official
 * example dossiers carry truncated archives that have no central directory). Enough to refuse zip bombs.
 */
export function inspectZip(zip: Buffer): { entries: number; unpackedBytes: number } {
  return fromCentralDirectory(zip) ?? fromLocalHeaders(zip);
}

/** 0xffffffff means the size lives in a ZIP64 extra field: counted as too large to trust. */
function claimed(size: number): number {
  return size === 0xffffffff ? Number.MAX_SAFE_INTEGER / 2 : size;
}

/** The end-of-central-directory signature, PK\x05\x06. */
const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

function fromCentralDirectory(zip: Buffer): { entries: number; unpackedBytes: number } | null {
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment (< 64 KiB).
  // The last signature there is the record; found by the native search, not a byte-by-byte loop.
  if (zip.length < 22) return null;
  const end = zip.lastIndexOf(END_OF_CENTRAL_DIRECTORY, zip.length - 22);
  if (end === -1 || end < zip.length - 22 - 0xffff) return null;
  const entries = zip.readUInt16LE(end + 10);
  let position = zip.readUInt32LE(end + 16);
  let unpackedBytes = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (position + 46 > zip.length || zip.readUInt32LE(position) !== 0x02014b50) return null;
    unpackedBytes += claimed(zip.readUInt32LE(position + 24));
    position +=
      46 +
      zip.readUInt16LE(position + 28) +
      zip.readUInt16LE(position + 30) +
      zip.readUInt16LE(position + 32);
  }
  return { entries, unpackedBytes };
}

function fromLocalHeaders(zip: Buffer): { entries: number; unpackedBytes: number } {
  let position = 0;
  let entries = 0;
  let unpackedBytes = 0;
  while (position + 30 <= zip.length && zip.readUInt32LE(position) === 0x04034b50) {
    entries++;
    unpackedBytes += claimed(zip.readUInt32LE(position + 22));
    position +=
      30 +
      zip.readUInt16LE(position + 26) +
      zip.readUInt16LE(position + 28) +
      zip.readUInt32LE(position + 18);
  }
  return { entries, unpackedBytes };
}
