import { OSO_NAMESPACE } from './oso-standard';

/*
 * The exclusive canonical form (C14N, without comments) of a plain dossier, written from its bytes
 * without libxml2. A dossier as vendors export it is plain: the XML declaration, elements in the OSO
 * default namespace declared once on the root, a few unprefixed attributes, text with the predefined
 * escapes. For such a document the canonical form is the document itself with the declaration and the
 * layout outside the root left out, tags written without their inner whitespace, empty-element tags as
 * start and end tag, unescaped `>` in text escaped, and attributes sorted. Anything else (comments,
 * CDATA, processing instructions, character or other entity references, carriage returns, prefixes,
 * other namespaces, attribute values that C14N rewrites, U+FEFF) gets null, and libxml2 canonicalises
 * it as before. Being equal to libxml2's output on every input it accepts is what makes this safe: the
 * content hash is a contract (content-hash.int-spec.ts compares both on generated dossiers).
 *
 * It runs before libxml2 parses the dossier (whether the layout may be left out of that parse depends
 * on it), so it must end on any bytes; it need not check well-formedness: a dossier libxml2 refuses
 * gets no hash.
 */

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const CR = 0x0d;
const COLON = 0x3a;
/** Below this many bytes a JavaScript loop copies faster than Buffer.copy's native call. */
const SHORT_RUN = 64;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const XML_DECLARATION_START = Buffer.from('<?xml');
/** The predefined escapes C14N itself writes in text: kept as they are. */
const KEPT_ESCAPES = [Buffer.from('&lt;'), Buffer.from('&gt;'), Buffer.from('&amp;')];
const ESCAPED_GT = Buffer.from('&gt;');
const ROOT_NAMESPACE = Buffer.from(`xmlns="${OSO_NAMESPACE}"`);

const isLayout = (b: number) => b === 0x20 || b === 0x0a || b === 0x09;
const isNameByte = (b: number) =>
  b !== undefined && !isLayout(b) && b !== CR && b !== GT && b !== SLASH && b !== EQUALS;

class NotPlain extends Error {}

/** The canonical form of a plain dossier, or null when libxml2 must write it (see above). */
export function plainCanonicalForm(bytes: Buffer): Buffer | null {
  // U+FEFF: the reference decoded libxml2's output per flush and dropped one at a flush's start.
  if (bytes.indexOf(CR) !== -1 || bytes.indexOf(BOM, 3) !== -1) return null;
  try {
    return new PlainWriter(bytes).write();
  } catch (error) {
    if (error instanceof NotPlain) return null;
    throw error;
  }
}

class PlainWriter {
  private out: Buffer;
  private length = 0;
  private at = 0;
  /** Where the `&`s are (few in a dossier), found once rather than searched for in every text. */
  private readonly ampersands: number[] = [];
  private nextAmpersand = 0;

  constructor(private readonly bytes: Buffer) {
    // About the input's size: longer only by end tags of empty elements and `&gt;` for `>` (grown if so).
    this.out = Buffer.allocUnsafe(bytes.length + 1024);
    for (let at = bytes.indexOf(AMP); at !== -1; at = bytes.indexOf(AMP, at + 1)) this.ampersands.push(at);
  }

  write(): Buffer {
    this.skipProlog();
    let depth = 0;
    do {
      depth += this.tag(depth === 0);
      if (depth < 0) throw new NotPlain();
      if (depth > 0) this.text();
    } while (depth > 0);
    this.skipLayout();
    if (this.at !== this.bytes.length) throw new NotPlain();
    return this.out.subarray(0, this.length);
  }

  private skipProlog(): void {
    if (this.bytes.subarray(0, 3).equals(BOM)) this.at = 3;
    // The declaration, not a processing instruction whose target starts with "xml".
    if (
      this.startsWith(XML_DECLARATION_START) &&
      isLayout(this.bytes[this.at + XML_DECLARATION_START.length])
    ) {
      this.at = this.after(this.bytes.indexOf('?>', this.at)) + 1;
    }
    this.skipLayout();
  }

  private skipLayout(): void {
    while (isLayout(this.bytes[this.at])) this.at++;
  }

  /** One tag at `at`: +1 for a start tag, −1 for an end tag, 0 for an empty-element tag. */
  private tag(isRoot: boolean): number {
    const { bytes } = this;
    if (bytes[this.at] !== LT) throw new NotPlain();
    const nameStart = this.at + 1;
    const first = bytes[nameStart];
    if (first === SLASH) {
      let end = nameStart + 1;
      while (isNameByte(bytes[end])) end++;
      this.emitRange(this.at, end); // `</name`, without layout before the `>`
      this.emitByte(GT);
      this.at = this.after(bytes.indexOf(GT, end));
      return -1;
    }
    // `<!` (comment, CDATA) and `<?` (processing instruction) are not plain.
    if (first === 0x21 || first === 0x3f) throw new NotPlain();
    let nameEnd = nameStart;
    for (let b = bytes[nameEnd]; isNameByte(b); b = bytes[++nameEnd]) {
      if (b === COLON) throw new NotPlain(); // a prefix
    }
    this.at = nameEnd;
    const attributes = this.attributes(isRoot);
    this.emitRange(nameStart - 1, nameEnd); // `<name`
    if (isRoot) {
      this.emitByte(0x20);
      this.emit(ROOT_NAMESPACE);
    }
    for (const attribute of attributes ?? []) {
      this.emitByte(0x20);
      this.emit(attribute);
    }
    this.emitByte(GT);
    if (bytes[this.at] === SLASH) {
      if (bytes[this.at + 1] !== GT) throw new NotPlain();
      this.at += 2; // `/>`
      this.emitByte(LT);
      this.emitByte(SLASH);
      this.emitRange(nameStart, nameEnd);
      this.emitByte(GT);
      return 0;
    }
    this.at++; // `>`
    return 1;
  }

  /**
   * The attributes of the tag at `at`, as C14N writes them (sorted; unprefixed, so by name), null for
   * none; the root's must be exactly the declaration of the OSO namespace.
   */
  private attributes(isRoot: boolean): Buffer[] | null {
    this.skipLayout();
    const next = this.bytes[this.at];
    if (!isRoot && (next === GT || next === SLASH)) return null;
    return this.readAttributes(isRoot);
  }

  private readAttributes(isRoot: boolean): Buffer[] {
    const { bytes } = this;
    const found: Array<{ name: Buffer; written: Buffer }> = [];
    let sawNamespace = false;
    for (;;) {
      this.skipLayout();
      const b = bytes[this.at];
      if (b === GT || b === SLASH) break;
      const start = this.at;
      while (isNameByte(bytes[this.at])) this.at++;
      const name = bytes.subarray(start, this.at);
      this.skipLayout();
      if (bytes[this.at] !== EQUALS) throw new NotPlain();
      this.at++;
      this.skipLayout();
      const quote = bytes[this.at];
      if (quote !== QUOT && quote !== APOS) throw new NotPlain();
      const valueEnd = this.after(bytes.indexOf(quote, this.at + 1)) - 1;
      const value = bytes.subarray(this.at + 1, valueEnd);
      this.at = valueEnd + 1;
      const written = Buffer.concat([name, Buffer.from('="'), value, Buffer.from('"')]);
      if (name.toString('latin1') === 'xmlns' || name.includes(COLON)) {
        // Only the root's declaration of the OSO namespace, written as C14N writes it.
        if (!isRoot || sawNamespace || !written.equals(ROOT_NAMESPACE)) throw new NotPlain();
        sawNamespace = true;
        continue;
      }
      // C14N rewrites these in values (and a parser normalises tabs and newlines): left to libxml2.
      if ([AMP, QUOT, LT, 0x09, 0x0a].some((special) => value.includes(special))) throw new NotPlain();
      found.push({ name, written });
    }
    if (isRoot && (!sawNamespace || found.length > 0)) throw new NotPlain();
    // C14N orders attributes without a namespace by name, byte by byte.
    if (found.length > 1) found.sort((a, b) => Buffer.compare(a.name, b.name));
    return found.map((attribute) => attribute.written);
  }

  /** Text up to the next tag: as it stands, but `>` escaped; the predefined escapes kept, other references not plain. */
  private text(): void {
    const { bytes } = this;
    const end = bytes.indexOf(LT, this.at);
    if (end === -1) throw new NotPlain();
    while (this.nextAmpersand < this.ampersands.length && this.ampersands[this.nextAmpersand] < end) {
      const at = this.ampersands[this.nextAmpersand++];
      if (at < this.at || !KEPT_ESCAPES.some((escape) => this.startsWith(escape, at))) throw new NotPlain();
    }
    let from = this.at;
    // The next `>` is usually the end of the next tag, just past this text.
    for (let gt = bytes.indexOf(GT, from); gt !== -1 && gt < end; gt = bytes.indexOf(GT, from)) {
      this.emitRange(from, gt);
      this.emit(ESCAPED_GT);
      from = gt + 1;
    }
    this.emitRange(from, end);
    this.at = end;
  }

  /**
   * Just past a position found by a search; not found is not plain. Every step moves forward, so even
   * bytes libxml2 will refuse (this runs before it parses them) end the scan.
   */
  private after(found: number): number {
    if (found === -1) throw new NotPlain();
    return found + 1;
  }

  private startsWith(part: Buffer, at = this.at): boolean {
    return this.bytes.compare(part, 0, part.length, at, Math.min(at + part.length, this.bytes.length)) === 0;
  }

  /** `bytes[start, end)` to the output: short runs (names, layout) byte by byte, cheaper than a native copy. */
  private emitRange(start: number, end: number): void {
    this.room(end - start);
    const { bytes, out } = this;
    if (end - start > SHORT_RUN) {
      bytes.copy(out, this.length, start, end);
      this.length += end - start;
      return;
    }
    let length = this.length;
    for (let at = start; at < end; at++) out[length++] = bytes[at];
    this.length = length;
  }

  private emit(part: Uint8Array): void {
    this.room(part.length);
    this.out.set(part, this.length);
    this.length += part.length;
  }

  private emitByte(b: number): void {
    this.room(1);
    this.out[this.length++] = b;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.length + bytes, this.out.length * 2));
    this.out.copy(larger, 0, 0, this.length);
    this.out = larger;
  }
}
