import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { createHash } from 'node:crypto';
import { inzageBasisHashOfBytes } from './inzage-basis';

/** What libxml2-wasm's `XmlDocument.canonicalize` writes its output to (its XmlOutputBufferHandler). */
export interface CanonicalOutput {
  write(chunk: Uint8Array): number;
  close(): boolean;
}

/** Room for the canonical form beyond the dossier's own size (end tags of empty elements, escapes). */
const GROWTH_FACTOR = 1.25;

/**
 * Collects libxml2's canonical output (exclusive C14N) as bytes, exactly the UTF-8 of the string the
 * content hash was first defined on: libxml2-wasm's `canonicalizeToString`, which decoded each chunk
 * libxml2 flushed on its own (a fresh, non-streaming `TextDecoder.decode` per chunk) and joined them.
 *
 * A chunk that is whole UTF-8 and does not begin with a byte order mark decodes to a string whose UTF-8
 * is the chunk itself, so it is copied as it is: no UTF-8 → UTF-16 → UTF-8 round trip, the cost that
 * made the hash dearer than the validation. Any other chunk (a character split across two flushes, or
 * U+FEFF at a chunk's start, which the decoder drops) is decoded as before, so the bytes, and every
 * stored `versionHash`, stay what they were.
 */
export class CanonicalBytes implements CanonicalOutput {
  private buffer: Buffer;
  private length = 0;
  private decoder: TextDecoder | null = null;

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.ceil(expectedBytes * GROWTH_FACTOR) + 64);
  }

  write(chunk: Uint8Array): number {
    // `chunk` is a view on libxml2's memory, reused after this call: its bytes are copied.
    if (decodesToItself(chunk)) this.append(chunk);
    else this.append(Buffer.from((this.decoder ??= new TextDecoder()).decode(chunk), 'utf8'));
    return chunk.byteLength;
  }

  close(): boolean {
    return true;
  }

  /** The canonical form so far (a view; valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private append(part: Uint8Array): void {
    const needed = this.length + part.byteLength;
    if (needed > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    this.buffer.set(part, this.length);
    this.length = needed;
  }
}

/** Whether `TextDecoder().decode(chunk)` (UTF-8, replacing, dropping a leading BOM) gives back exactly these bytes. */
export function decodesToItself(chunk: Uint8Array): boolean {
  const leadingBom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
  return !leadingBom && isUtf8(chunk);
}

/** The content hash and the inzage basis hash (SHA-256, hex) of a dossier's canonical form. */
export function canonicalHashes(canonical: Buffer): { contentHash: string; inzageBasisHash: string } {
  const contentHash = createHash('sha256').update(canonical).digest('hex');
  return { contentHash, inzageBasisHash: inzageBasisHashOfBytes(canonical, contentHash) };
}
