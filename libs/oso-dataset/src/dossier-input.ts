import { isUtf8 } from 'node:buffer';

/** Refusals before any XML parser sees the bytes; each has its own stable code. */
export const DOSSIER_INPUT_CODES = [
  'DOSSIER_EMPTY',
  'DOSSIER_TOO_LARGE',
  'DOSSIER_NOT_UTF8',
  'DOSSIER_DTD_FORBIDDEN',
] as const;
export type DossierInputCode = (typeof DOSSIER_INPUT_CODES)[number];

export interface DossierInputProblem {
  code: DossierInputCode;
  message: string;
}

export const DEFAULT_MAX_DOSSIER_BYTES = 20 * 1024 * 1024;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Checks that the XML parser may safely see these bytes: within the size limit, UTF-8 (the only
 * encoding we accept: a declaration naming another one is refused, as are bytes that are not UTF-8),
 * and no document type declaration (a DTD can define entities: billion laughs, external entities).
 */
export function checkDossierInput(
  bytes: Buffer,
  maxBytes = DEFAULT_MAX_DOSSIER_BYTES,
): DossierInputProblem | null {
  if (bytes.length === 0) return { code: 'DOSSIER_EMPTY', message: 'The dossier is empty.' };
  if (bytes.length > maxBytes) {
    return {
      code: 'DOSSIER_TOO_LARGE',
      message: `The dossier is ${bytes.length} bytes; at most ${maxBytes} bytes are accepted.`,
    };
  }
  // Decided on the bytes, not on what the document declares: a NUL byte can stand in no XML 1.0
  // document, while UTF-16 and UTF-32 put one beside every ASCII character (with or without a byte
  // order mark, and then pass as UTF-8 byte by byte). The first character must be `<`, which also
  // refuses EBCDIC and the other encodings whose start is not ASCII.
  const start = bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  let first = start;
  while (first < bytes.length && isSpace(bytes[first])) first++;
  if (bytes.indexOf(0) !== -1 || bytes[first] !== 0x3c /* < */ || !isUtf8(bytes)) {
    return {
      code: 'DOSSIER_NOT_UTF8',
      message:
        'The dossier must be XML encoded in UTF-8 (no UTF-16 or UTF-32, no NUL bytes) and start with "<" (after an optional byte order mark).',
    };
  }
  const head = bytes.subarray(start, 512).toString('latin1');
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head);
  if (declared && !/^utf-?8$/i.test(declared[1])) {
    return {
      code: 'DOSSIER_NOT_UTF8',
      message: `The dossier declares encoding "${declared[1]}"; only UTF-8 is accepted.`,
    };
  }
  // A DOCTYPE can only stand before the root element; looking for it anywhere is stricter and cheap:
  // one pass over the few `<!` (comments, CDATA) in a dossier.
  for (let at = bytes.indexOf('<!'); at !== -1; at = bytes.indexOf('<!', at + 2)) {
    if (isDeclaration(bytes, at)) {
      return {
        code: 'DOSSIER_DTD_FORBIDDEN',
        message: 'Document type declarations and entity definitions are not allowed in a dossier.',
      };
    }
  }
  return null;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');

/** Whether `<!DOCTYPE` or `<!ENTITY` starts at `at`; a `<!` near the end (`<!---->` last) is neither. */
function isDeclaration(bytes: Buffer, at: number): boolean {
  // Comments and CDATA sections (`<!-`, `<![`) are told apart by one byte: a dossier may hold many.
  const third = bytes[at + 2];
  if (third !== 0x44 /* D */ && third !== 0x45 /* E */) return false;
  return (
    bytes.subarray(at, at + DOCTYPE.length).equals(DOCTYPE) ||
    bytes.subarray(at, at + ENTITY.length).equals(ENTITY)
  );
}
