import { isUtf8 } from 'node:buffer';

/** Refusals before any XML parser sees the bytes; each has its own stable code. */
export type DossierInputCode =
  'DOSSIER_EMPTY' | 'DOSSIER_TOO_LARGE' | 'DOSSIER_NOT_UTF8' | 'DOSSIER_DTD_FORBIDDEN';

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
  if (!isUtf8(bytes) || bytes[0] === 0xfe || bytes[0] === 0xff || (bytes[0] === 0 && bytes[1] !== 0)) {
    return { code: 'DOSSIER_NOT_UTF8', message: 'The dossier must be encoded in UTF-8.' };
  }
  const head = bytes.subarray(bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0, 512).toString('latin1');
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

const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');

function isDeclaration(bytes: Buffer, at: number): boolean {
  return (
    bytes.compare(DOCTYPE, 0, DOCTYPE.length, at, at + DOCTYPE.length) === 0 ||
    bytes.compare(ENTITY, 0, ENTITY.length, at, at + ENTITY.length) === 0
  );
}
