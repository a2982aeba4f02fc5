import { isAscii } from 'node:buffer';
import { DossierElement } from './dossier-element';
import {
  DOSSIER_SHAPE_LIMITS,
  misplacedDeclaration,
  nameTooLong,
  processingInstruction,
  textTooLarge,
  tooDeep,
  tooManyAttributes,
  tooManyElements,
  tooManyNodes,
  tooManyReferences,
} from './dossier-shape';

interface MutableElement {
  name: string;
  namespace: string | null;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
  parent: MutableElement | null;
  offset: number;
}

/** The tree with the indexes the rules scan by, built in the same pass. */
export interface DossierTree {
  root: DossierElement;
  /** Every element in document order. */
  all: DossierElement[];
  /** Every element by local name, each list in document order. */
  byName: Map<string, DossierElement[]>;
  /**
   * The elements with attributes other than namespace declarations, in document order (a few in a
   * dossier): checks of attributes need not visit every element.
   */
  withAttributes: DossierElement[];
  /**
   * Whether the document holds only elements, attributes and text: no comment, no CDATA section and no
   * processing instruction besides the XML declaration.
   */
  plain: boolean;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** What one reading may still spend; counted as it goes, so that a flood is refused before it is decoded. */
interface ReadingBudget {
  references: number;
}

function decode(raw: string, budget: ReadingBudget): string {
  let at = raw.indexOf('&');
  if (at === -1) return raw;
  for (; at !== -1; at = raw.indexOf('&', at + 1)) {
    if (--budget.references < 0) throw tooManyReferences();
  }
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[entity] ?? whole;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/**
 * The latin1 view is taken a window at a time: V8 puts any string over 128 KiB in its large-object
 * space, and allocating one there costs about as much as reading the whole tree (measured: 160 µs
 * for the 170 KiB example against 13 µs for 120 KiB).
 */
const WINDOW = 64 * 1024;
/** Room kept at a window's end so that `<!--`, `<![CDATA[` and `</` can be recognised without a check. */
const LOOKAHEAD = 16;

/** The element tree of a dossier; see `readDossierIndexed`. */
export function readDossierTree(bytes: Buffer): DossierElement {
  return readDossierIndexed(bytes).root;
}

/**
 * Builds the element tree, and the by-name index the rules scan, from bytes that passed the input
 * checks (UTF-8, no DTD, so only the predefined entities and character references can occur), before
 * libxml2 parses them: a shape past its limits is refused here (DossierShapeError). On bytes libxml2
 * then refuses it may fail or read nonsense; the rules read its tree only when libxml2 accepts them.
 *
 * Speed matters (the whole validation must keep up with native libxml2): the bytes are viewed as
 * latin1 strings, which is nearly free and keeps byte offsets equal to string indexes, and only the
 * pieces that contain non-ASCII bytes are decoded again as UTF-8. Jumping from `<` to `<` keeps the
 * large base64 attachments cheap; one longer than a window is read straight from the bytes.
 */
export function readDossierIndexed(bytes: Buffer): DossierTree {
  const length = bytes.length;
  // Characters are read from the bytes, `xml` serves for searching and slicing: V8 reads a plain
  // byte array about twice as fast as a string's characters (measured: 1.1 against 2.5 ns a byte).
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  // The window's state lives in plain locals, not in variables that closures share, so that the
  // scanning loops below read them without going through a closure's context.
  /** Absolute offset of `xml[0]`. */
  let base = 0;
  let windowSize = WINDOW;
  let xml = bytes.toString('latin1', 0, Math.min(length, WINDOW));
  /** Whether the window reaches the end of the bytes. */
  let final = xml.length === length;

  const all: MutableElement[] = [];
  const withAttributes: MutableElement[] = [];
  /** The names met in this reading; each holds its elements until the index is made at the end. */
  const met: ElementName[] = [];
  const reading = ++readings;
  /** The previous start tag's name: its successor last time is the likely name of the next one. */
  let previous: ElementName | null = null;
  /** The open elements' names, innermost last; the end tags are checked against them. */
  const openNames: ElementName[] = [];
  /** In-scope namespace declarations, one entry per open element (shared until one declares its own). */
  const scopes: Record<string, string>[] = [];
  let root = null as MutableElement | null;
  let current = null as MutableElement | null;
  let position = 0;
  let plain = true;
  let attributeCount = 0;
  const budget: ReadingBudget = { references: DOSSIER_SHAPE_LIMITS.references };
  /** Comments and CDATA sections met in all, and in each element that has any (few do). */
  let commentsAndCdata = 0;
  let commentsAndCdataIn: Map<MutableElement, number> | null = null;
  try {
    for (;;) {
      // One pass from the end of the last markup to the next `<`. Whitespace first: between elements
      // it is layout, not data, and is skipped without being decoded or kept.
      let open = position;
      while (open < xml.length && isSpace(u8[base + open])) open++;
      if (open === xml.length || u8[base + open] !== 60 /* < */) {
        // Character data, checked on the way for bytes that are not ASCII and for references.
        let ascii = true;
        let references = false;
        const nearEnd = Math.min(xml.length, open + 64);
        for (; open < nearEnd; open++) {
          const code = u8[base + open];
          if (code === 60 /* < */) break;
          if (code > 127) ascii = false;
          else if (code === 38 /* & */) references = true;
        }
        if (open === nearEnd && (open === xml.length || u8[base + open] !== 60)) {
          // A longer run (an attachment): found and checked natively.
          open = xml.indexOf('<', nearEnd);
          if (open === -1) {
            if (final) break;
            // A text run past the window's end: read it from the bytes.
            const start = base + position;
            const next = bytes.indexOf(60 /* < */, start);
            if (current) {
              appendTextFromBytes(bytes, start, next === -1 ? length : next, current, budget);
              if (current.text.length > DOSSIER_SHAPE_LIMITS.textCharacters) throw textTooLarge();
            }
            if (next === -1) break;
            windowSize = WINDOW;
            base = next;
            xml = bytes.toString('latin1', base, Math.min(length, base + windowSize));
            final = base + xml.length === length;
            position = 0;
            continue;
          }
          const rest = bytes.subarray(base + nearEnd, base + open);
          if (ascii) ascii = isAscii(rest);
          if (!references) references = rest.indexOf(38 /* & */) !== -1;
        }
        if (current) {
          const raw = ascii
            ? xml.slice(position, open)
            : bytes.toString('utf8', base + position, base + open);
          current.text += references ? decode(raw, budget) : raw;
          if (current.text.length > DOSSIER_SHAPE_LIMITS.textCharacters) throw textTooLarge();
        }
      }
      const next = open + 1 < xml.length ? u8[base + open + 1] : -1;
      /** Where the markup ends (exclusive), or -1 when that lies past the window. */
      let end = -1;
      let name: ElementName | null = null;
      let nameEnd = 0;
      if (!final && open + LOOKAHEAD > xml.length) {
        // Too close to the window's end to tell which markup this is: read on from a new window.
      } else if (next === 63 /* ? */) {
        end = xml.indexOf('?>', open);
        if (end !== -1) end += 2;
      } else if (next === 33 /* ! */) {
        if (xml.startsWith('<!--', open)) {
          end = xml.indexOf('-->', open);
          if (end !== -1) end += 3;
        } else if (xml.startsWith('<![CDATA[', open)) {
          end = xml.indexOf(']]>', open);
          if (end !== -1) end += 3;
        } else {
          throw new Error('document type declarations are not read');
        }
      } else if (next === 47 /* / */) {
        // Well-formed, so the end tag names the innermost open element: usually `</name>` exactly.
        const expected = openNames.length > 0 ? open + 2 + openNames[openNames.length - 1].length : 0;
        if (expected < xml.length && u8[base + expected] === 62 /* > */) {
          end = expected + 1;
        } else {
          // Not the expected name (libxml2 will refuse it), but its name must not cost libxml2 time either.
          end = xml.indexOf('>', open);
          if ((end === -1 ? xml.length : end) - open - 2 > DOSSIER_SHAPE_LIMITS.nameCharacters + 1) {
            throw nameTooLong();
          }
          if (end !== -1) end += 1;
        }
      } else {
        // Dossiers follow the schema's order, so the name that followed the previous one last time
        // usually follows it again: one comparison instead of reading the name character by character.
        const predicted: ElementName | null = previous ? previous.next : null;
        name =
          predicted !== null && sameName(u8, base + open + 1, predicted)
            ? predicted
            : nameAt(xml, u8, bytes, base, open + 1);
        nameEnd = open + 1 + name.length;
        // Most tags are a bare name: their end is right after it, without a scan for quotes.
        const after = nameEnd < xml.length ? u8[base + nameEnd] : -1;
        const close =
          after === 62 /* > */
            ? nameEnd
            : after === 47 /* / */ && nameEnd + 1 < xml.length && u8[base + nameEnd + 1] === 62
              ? nameEnd + 1
              : findTagEnd(u8, base, nameEnd, xml.length);
        end = close === -1 ? -1 : close + 1;
      }
      if (end === -1) {
        // The markup runs past the window: read it again from a window that starts with it.
        if (final) throw new Error('unterminated markup');
        // A markup that did not fit a window starting at itself gets a window twice as large.
        windowSize = open === 0 ? windowSize * 2 : WINDOW;
        base += open;
        xml = bytes.toString('latin1', base, Math.min(length, base + windowSize));
        final = base + xml.length === length;
        position = 0;
        continue;
      }

      if (name) {
        if (previous && name.cached) previous.next = name;
        previous = name;
        const selfClosing = u8[base + end - 2] === 47;
        const bodyEnd = selfClosing ? end - 2 : end - 1;
        let scope = scopes.length > 0 ? scopes[scopes.length - 1] : NO_NAMESPACES;
        let attributes = NO_ATTRIBUTES;
        if (nameEnd < bodyEnd) {
          if (bodyEnd - nameEnd > DOSSIER_SHAPE_LIMITS.textCharacters) throw textTooLarge();
          const read = readAttributes(piece(xml, u8, bytes, base, nameEnd, bodyEnd), scope, budget);
          attributes = read.attributes;
          scope = read.scope;
          attributeCount += read.count;
          if (attributeCount > DOSSIER_SHAPE_LIMITS.attributes) throw tooManyAttributes('document');
        }
        const element: MutableElement = {
          name: name.local,
          namespace: scope[name.prefix] ?? null,
          attributes,
          children: NO_CHILDREN,
          text: '',
          parent: current,
          offset: base + open,
        };
        if (current) {
          if (current.children === NO_CHILDREN) current.children = [element];
          else current.children.push(element);
        } else {
          root = element;
        }
        all.push(element);
        if (all.length > DOSSIER_SHAPE_LIMITS.elements) throw tooManyElements();
        if (attributes !== NO_ATTRIBUTES) withAttributes.push(element);
        if (name.reading === reading) {
          name.elements.push(element);
        } else {
          name.reading = reading;
          name.elements = [element];
          met.push(name);
        }
        if (!selfClosing) {
          current = element;
          openNames.push(name);
          if (openNames.length > DOSSIER_SHAPE_LIMITS.depth) throw tooDeep();
          scopes.push(scope);
        }
      } else if (next === 47 /* / */) {
        current = current?.parent ?? null;
        openNames.pop();
        scopes.pop();
      } else if (next === 33 /* ! */) {
        // Comments and CDATA sections split the text around them into pieces that libxml2 joins again.
        if (++commentsAndCdata > DOSSIER_SHAPE_LIMITS.commentsAndCdata) throw tooManyNodes('document');
        if (current) {
          // Outside the root (before or after it) no text is joined: only the document's count applies.
          commentsAndCdataIn ??= new Map();
          const inElement = (commentsAndCdataIn.get(current) ?? 0) + 1;
          if (inElement > DOSSIER_SHAPE_LIMITS.commentsAndCdataPerElement) throw tooManyNodes('element');
          commentsAndCdataIn.set(current, inElement);
        }
        plain = false;
        if (u8[base + open + 2] === 91 /* [ */ && current) {
          // CDATA is kept as it stands: no entities, and whitespace in it is data.
          current.text += piece(xml, u8, bytes, base, open + 9, end - 3);
          if (current.text.length > DOSSIER_SHAPE_LIMITS.textCharacters) throw textTooLarge();
        }
      } else if (!isDeclaration(u8, base + open)) {
        // `<?xml ` elsewhere than at the start is a declaration out of place, not an instruction.
        if (isDeclaration(u8, base + open, base + open)) throw misplacedDeclaration();
        // The receiving school gets these bytes as they are: no instruction may reach its software.
        throw processingInstruction();
      }
      position = end;
    }
  } catch (error) {
    // A reading that fails lets go of what it read, so that the shared names do not keep it.
    for (const name of met) name.elements = NO_CHILDREN;
    throw error;
  }
  if (!root) throw new Error('no root element');
  return { root, all, byName: indexByName(met), withAttributes, plain };
}

/** The by-name index from the names met, which let go of their elements. */
function indexByName(met: ElementName[]): Map<string, MutableElement[]> {
  const byName = new Map<string, MutableElement[]>();
  /** Local names met under more than one qualified name (other prefixes, or names not cached). */
  const merged = new Set<MutableElement[]>();
  for (const name of met) {
    const earlier = byName.get(name.local);
    if (earlier) {
      for (const element of name.elements) earlier.push(element);
      merged.add(earlier);
    } else {
      byName.set(name.local, name.elements);
    }
    name.elements = NO_CHILDREN;
  }
  // One list per local name, in document order again.
  for (const list of merged) list.sort((a, b) => a.offset - b.offset);
  return byName;
}

/** `xml[start, end)` as it stands, decoded as UTF-8 when it is not plain ASCII. */
function piece(xml: string, u8: Uint8Array, bytes: Buffer, base: number, start: number, end: number): string {
  let ascii = true;
  if (end - start > 256) {
    ascii = isAscii(bytes.subarray(base + start, base + end));
  } else {
    for (let index = base + start; index < base + end; index++) {
      if (u8[index] > 127) {
        ascii = false;
        break;
      }
    }
  }
  return ascii ? xml.slice(start, end) : bytes.toString('utf8', base + start, base + end);
}

/**
 * Whether the `<?` at byte `at` opens the XML declaration: `<?xml` at the start (after a byte order
 * mark), or at `start` when one is given.
 */
function isDeclaration(
  u8: Uint8Array,
  at: number,
  start = u8[0] === 0xef && u8[1] === 0xbb && u8[2] === 0xbf ? 3 : 0,
): boolean {
  return (
    at === start && u8[at + 2] === 120 && u8[at + 3] === 109 && u8[at + 4] === 108 && isSpace(u8[at + 5])
  );
}

function appendTextFromBytes(
  bytes: Buffer,
  start: number,
  end: number,
  element: MutableElement,
  budget: ReadingBudget,
): void {
  const raw = isAscii(bytes.subarray(start, end))
    ? bytes.toString('latin1', start, end)
    : bytes.toString('utf8', start, end);
  if (!isLayout(raw, 0, raw.length)) element.text += decode(raw, budget);
}

interface ElementName {
  qualified: string;
  /** Without prefix; internalised, so that the rules' comparisons with literals are pointer checks. */
  local: string;
  prefix: string;
  /** Length of the name in the source bytes. */
  length: number;
  /** Whether this is the shared entry for the name (ASCII names), which `qualified` matches in latin1. */
  cached: boolean;
  /** The name's bytes, for comparing with the source. */
  codes: Uint8Array;
  /** The name of the start tag that followed this one last time. */
  next: ElementName | null;
  /** The elements with this name in the reading `reading`, until it ends. */
  elements: MutableElement[];
  reading: number;
}

/** Whether the tag name at byte `at` is `name` (a shared, ASCII one). */
function sameName(u8: Uint8Array, at: number, name: ElementName): boolean {
  const codes = name.codes;
  const length = codes.length;
  for (let index = 0; index < length; index++) {
    if (codes[index] !== u8[at + index]) return false;
  }
  // Past the end of the bytes, `u8` gives undefined, which ends no name.
  return endsName(u8[at + length]);
}

/** Counts the readings, telling the names' element lists of the current one from stale ones. */
let readings = 0;

function endsName(code: number): boolean {
  return code === 62 || code === 47 || isSpace(code);
}

/**
 * Names seen before, by a hash of their characters: a dossier has a few hundred distinct names and
 * thousands of elements, so most names are found here without making a string. Collisions fall back
 * on a map by name, bounded so that a stream of made-up names cannot grow it without end.
 */
const NAME_SLOTS: (ElementName | undefined)[] = new Array<ElementName | undefined>(4096);
const NAMES = new Map<string, ElementName>();
const MAX_NAMES = 10_000;

/** The name of the tag whose name starts at `start`: it ends at whitespace, `/`, `>` or the text's end. */
function nameAt(xml: string, u8: Uint8Array, bytes: Buffer, base: number, start: number): ElementName {
  let end = start;
  let hash = 0;
  let ascii = true;
  for (; end < xml.length; end++) {
    const code = u8[base + end];
    if (endsName(code)) break;
    hash = (Math.imul(hash, 31) + code) | 0;
    if (code > 127) ascii = false;
  }
  if (end - start > DOSSIER_SHAPE_LIMITS.nameCharacters) throw nameTooLong();
  const slot = hash & (NAME_SLOTS.length - 1);
  const seen = NAME_SLOTS[slot];
  if (seen && seen.cached && seen.length === end - start && sameName(u8, base + start, seen)) return seen;
  // Element names are ASCII in OSO, but one that is not must still come out right (it is not kept:
  // the check above compares latin1 characters).
  if (!ascii) return makeName(bytes.toString('utf8', base + start, base + end), end - start, false);
  // Flat and internalised: the names are compared often, and must not hold on to the window.
  const qualified = internalise(xml.slice(start, end));
  let name = NAMES.get(qualified);
  if (!name) {
    const cached = NAMES.size < MAX_NAMES;
    name = makeName(qualified, end - start, cached);
    if (cached) NAMES.set(qualified, name);
  }
  NAME_SLOTS[slot] = name;
  return name;
}

function makeName(qualified: string, length: number, cached: boolean): ElementName {
  const colon = qualified.indexOf(':');
  return {
    qualified,
    local: internalise(colon === -1 ? qualified : qualified.slice(colon + 1)),
    prefix: colon === -1 ? '' : qualified.slice(0, colon),
    length,
    cached,
    codes: cached ? Uint8Array.from(qualified, (character) => character.charCodeAt(0)) : NO_CODES,
    next: null,
    elements: NO_CHILDREN,
    reading: 0,
  };
}

/** V8 keeps property names internalised; going through one makes the string the shared copy. */
function internalise(text: string): string {
  return Object.keys({ [text]: true })[0] ?? text;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

function isLayout(xml: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = xml.charCodeAt(index);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return false;
  }
  return true;
}

/**
 * Index in the window of the `>` that ends the tag, looking from `from` on, or -1 when it lies at or
 * past `limit`.
 */
function findTagEnd(u8: Uint8Array, base: number, from: number, limit: number): number {
  let quote = 0;
  /** Where the current run of name characters (an attribute's name) started, or -1. */
  let nameStart = -1;
  for (let index = from; index < limit; index++) {
    const code = u8[base + index];
    if (quote) {
      if (code === quote) quote = 0;
    } else if (code === 34 || code === 39) {
      quote = code;
      nameStart = -1;
    } else if (code === 62 /* > */) {
      return index;
    } else if (code === 61 /* = */ || code === 47 /* / */ || isSpace(code)) {
      nameStart = -1;
    } else if (nameStart === -1) {
      nameStart = index;
    } else if (index - nameStart >= DOSSIER_SHAPE_LIMITS.nameCharacters) {
      throw nameTooLong();
    }
  }
  return -1;
}

/** Shared by every element without attributes (most of them): fewer objects for the collector. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** Shared by every element without children (most of them), for the same reason. */
const NO_CHILDREN: MutableElement[] = Object.freeze([]) as unknown as MutableElement[];
const NO_NAMESPACES: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CODES = new Uint8Array(0);

/** Reads a tag's attributes; the namespace scope is a new one when the tag declares any. */
function readAttributes(
  text: string,
  scope: Record<string, string>,
  budget: ReadingBudget,
): { attributes: Record<string, string>; scope: Record<string, string>; count: number } {
  let attributes = NO_ATTRIBUTES;
  let declared: Record<string, string> | null = null;
  let count = 0;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
    if (++count > DOSSIER_SHAPE_LIMITS.attributesPerElement) throw tooManyAttributes('element');
    const name = match[1];
    const value = decode(match[3] ?? match[4] ?? '', budget);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      declared ??= { ...scope };
      declared[name === 'xmlns' ? '' : name.slice(6)] = value;
    } else {
      if (attributes === NO_ATTRIBUTES) attributes = {};
      attributes[name.includes(':') ? name.slice(name.indexOf(':') + 1) : name] = value;
    }
  }
  return { attributes, scope: declared ?? scope, count };
}

/** 1-based line of an offset, for messages; computed only when something is reported. */
export function lineAt(xml: Buffer, offset: number): number {
  let line = 1;
  for (let index = xml.indexOf(10); index !== -1 && index < offset; index = xml.indexOf(10, index + 1))
    line++;
  return line;
}

/**
 * `lineAt` for many offsets in the same text: the newlines are found once, then each offset's line by
 * bisection, so that a dossier with thousands of findings does not rescan its text for each.
 */
export function linesOf(xml: Buffer): (offset: number) => number {
  const newlines: number[] = [];
  for (let index = xml.indexOf(10); index !== -1; index = xml.indexOf(10, index + 1)) newlines.push(index);
  return (offset) => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (newlines[middle] < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}
