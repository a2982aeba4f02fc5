import { isAscii } from 'node:buffer';
import { DossierElement } from './dossier-element';

interface MutableElement {
  name: string;
  namespace: string | null;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
  parent: MutableElement | null;
  offset: number;
  namespaces: Record<string, string>;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string): string {
  if (raw.indexOf('&') === -1) return raw;
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
 * Builds the element tree from XML bytes that libxml2 has already accepted as well-formed UTF-8 (DTDs
 * are refused before that, so only the predefined entities and character references can occur).
 *
 * Speed matters (the whole validation must keep up with native libxml2): the bytes are viewed as a
 * latin1 string, which is nearly free and keeps byte offsets equal to string indexes, and only the
 * pieces that contain non-ASCII bytes are decoded again as UTF-8. Jumping from `<` to `<` keeps the
 * large base64 attachments cheap.
 */
export function readDossierTree(bytes: Buffer): DossierElement {
  const xml = bytes.toString('latin1');
  const piece = (start: number, end: number): string => {
    const raw = xml.slice(start, end);
    // Long runs (attachments) are checked with the native ASCII test, short ones with a regex.
    const ascii = end - start > 256 ? isAscii(bytes.subarray(start, end)) : !NON_ASCII.test(raw);
    return ascii ? raw : bytes.toString('utf8', start, end);
  };
  let root = null as MutableElement | null;
  let current = null as MutableElement | null;
  let position = 0;
  const length = xml.length;
  while (position < length) {
    const open = xml.indexOf('<', position);
    if (open === -1) break;
    // Whitespace between elements is layout, not data: skipped without being decoded or kept.
    if (current && open > position && !isLayout(xml, position, open))
      current.text += decode(piece(position, open));
    const next = xml.charCodeAt(open + 1);
    if (next === 63 /* ? */) {
      position = xml.indexOf('?>', open) + 2;
    } else if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', open)) {
        position = xml.indexOf('-->', open) + 3;
      } else if (xml.startsWith('<![CDATA[', open)) {
        const end = xml.indexOf(']]>', open);
        if (current) current.text += piece(open + 9, end);
        position = end + 3;
      } else {
        throw new Error('document type declarations are not read');
      }
    } else if (next === 47 /* / */) {
      position = xml.indexOf('>', open) + 1;
      current = current?.parent ?? null;
    } else {
      const close = findTagEnd(xml, open);
      const selfClosing = xml.charCodeAt(close - 1) === 47;
      const bodyEnd = selfClosing ? close - 1 : close;
      let nameEnd = open + 1;
      while (nameEnd < bodyEnd && !isSpace(xml.charCodeAt(nameEnd))) nameEnd++;
      // Element names are ASCII in OSO; interning them through the latin1 view costs nothing extra.
      const qualifiedName = xml.slice(open + 1, nameEnd);
      const element: MutableElement = {
        name: qualifiedName,
        namespace: null,
        attributes: NO_ATTRIBUTES,
        children: [],
        text: '',
        parent: current,
        offset: open,
        namespaces: current ? current.namespaces : {},
      };
      if (nameEnd < bodyEnd) readAttributes(piece(nameEnd, bodyEnd), element);
      const colon = qualifiedName.indexOf(':');
      const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon);
      element.name = colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
      element.namespace = element.namespaces[prefix] ?? null;
      if (current) current.children.push(element);
      else root = element;
      if (!selfClosing) current = element;
      position = close + 1;
    }
  }
  if (!root) throw new Error('no root element');
  return root as DossierElement;
}

const NON_ASCII = /[\x80-\xff]/;

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

function findTagEnd(xml: string, open: number): number {
  let quote = 0;
  for (let index = open + 1; index < xml.length; index++) {
    const code = xml.charCodeAt(index);
    if (quote) {
      if (code === quote) quote = 0;
    } else if (code === 34 || code === 39) {
      quote = code;
    } else if (code === 62 /* > */) {
      return index;
    }
  }
  throw new Error('unterminated tag');
}

/** Shared by every element without attributes (most of them): fewer objects for the collector. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

function readAttributes(text: string, element: MutableElement): void {
  let declared: Record<string, string> | null = null;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
    const name = match[1];
    const value = decode(match[3] ?? match[4] ?? '');
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      declared ??= { ...element.namespaces };
      declared[name === 'xmlns' ? '' : name.slice(6)] = value;
    } else {
      if (element.attributes === NO_ATTRIBUTES) element.attributes = {};
      element.attributes[name.includes(':') ? name.slice(name.indexOf(':') + 1) : name] = value;
    }
  }
  if (declared) element.namespaces = declared;
}

/** 1-based line of an offset, for messages; computed only when something is reported. */
export function lineAt(xml: Buffer, offset: number): number {
  let line = 1;
  for (let index = xml.indexOf(10); index !== -1 && index < offset; index = xml.indexOf(10, index + 1))
    line++;
  return line;
}
