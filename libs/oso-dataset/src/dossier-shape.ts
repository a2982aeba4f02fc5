/**
 * Limits on a dossier's shape, checked by our tree reader in its one pass, before libxml2 parses the
 * document (libxml2 runs with XML_PARSE_HUGE so that a 10 MB attachment fits; these limits stand in
 * for its built-in ones). Each is far above the official 2019.1 examples (at most 837 elements, depth
 * 12, one attribute per element, 11 in all; the longest text is an attachment).
 */
export const DOSSIER_SHAPE_LIMITS = {
  /** Elements in the whole document (the examples: 837). */
  elements: 100_000,
  /** Nesting depth of elements, the root being depth 1 (the examples: 12). */
  depth: 64,
  /** Attributes on one element, namespace declarations included (the examples: 1). */
  attributesPerElement: 32,
  /** Attributes in the whole document (the examples: 11). */
  attributes: 100_000,
  /**
   * Characters in one text node or attribute value: a 10 MiB attachment in base64 with line breaks
   * is about 14.4 million; libxml2's own limit without XML_PARSE_HUGE is 10,000,000.
   */
  textCharacters: 16 * 1024 * 1024,
  /**
   * Comments and CDATA sections directly inside one element (the examples: none). Each splits the
   * element's text into another piece, and libxml2's schema check joins the pieces by copying all it
   * joined so far for each one: time grows with the square of their number (a million took 77 s).
   */
  commentsAndCdataPerElement: 32,
  /** Comments and CDATA sections in the whole document (the examples: none); each is a libxml2 node. */
  commentsAndCdata: 10_000,
  /**
   * Entity and character references (`&lt;`, `&#xE9;`) in the whole document, text and attribute
   * values together (the examples: none). Millions of them cost seconds and a gigabyte of memory.
   */
  references: 100_000,
  /** Characters in an element or attribute name, prefix included (the 2019.1 schema's longest: 30). */
  nameCharacters: 256,
} as const;

/** Refusals of the dossier's shape or content kinds, each with its own stable code. */
export const DOSSIER_SHAPE_CODES = [
  'DOSSIER_TOO_MANY_ELEMENTS',
  'DOSSIER_TOO_DEEP',
  'DOSSIER_TOO_MANY_ATTRIBUTES',
  'DOSSIER_TEXT_TOO_LARGE',
  'DOSSIER_TOO_MANY_NODES',
  'DOSSIER_TOO_MANY_REFERENCES',
  'DOSSIER_NAME_TOO_LONG',
  'DOSSIER_NOT_WELL_FORMED',
  'DOSSIER_PROCESSING_INSTRUCTION',
  'DOSSIER_SCHEMA_LOCATION',
] as const;
export type DossierShapeCode = (typeof DOSSIER_SHAPE_CODES)[number];

/** Thrown by the tree reader when the document's shape passes a limit; the engine refuses with it. */
export class DossierShapeError extends Error {
  constructor(
    readonly code: DossierShapeCode,
    message: string,
  ) {
    super(message);
  }
}

export function tooManyElements(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TOO_MANY_ELEMENTS',
    `The dossier has more than ${DOSSIER_SHAPE_LIMITS.elements} elements, the most accepted.`,
  );
}

export function tooDeep(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TOO_DEEP',
    `The dossier nests elements more than ${DOSSIER_SHAPE_LIMITS.depth} levels deep, the most accepted.`,
  );
}

export function tooManyAttributes(where: 'element' | 'document'): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TOO_MANY_ATTRIBUTES',
    where === 'element'
      ? `An element of the dossier has more than ${DOSSIER_SHAPE_LIMITS.attributesPerElement} attributes, the most accepted on one element.`
      : `The dossier has more than ${DOSSIER_SHAPE_LIMITS.attributes} attributes, the most accepted in one dossier.`,
  );
}

export function textTooLarge(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TEXT_TOO_LARGE',
    `A text or attribute value of the dossier is longer than ${DOSSIER_SHAPE_LIMITS.textCharacters} characters, the most accepted (an attachment may be 10 MiB once decoded).`,
  );
}

export function tooManyNodes(where: 'element' | 'document'): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TOO_MANY_NODES',
    where === 'element'
      ? `An element of the dossier holds more than ${DOSSIER_SHAPE_LIMITS.commentsAndCdataPerElement} comments and CDATA sections, the most accepted in one element; write its text as one piece.`
      : `The dossier holds more than ${DOSSIER_SHAPE_LIMITS.commentsAndCdata} comments and CDATA sections, the most accepted in one dossier.`,
  );
}

export function tooManyReferences(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_TOO_MANY_REFERENCES',
    `The dossier holds more than ${DOSSIER_SHAPE_LIMITS.references} entity and character references (such as &lt; or &#xE9;), the most accepted; write characters as UTF-8 instead of as references.`,
  );
}

export function nameTooLong(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_NAME_TOO_LONG',
    `An element or attribute name of the dossier is longer than ${DOSSIER_SHAPE_LIMITS.nameCharacters} characters, the most accepted.`,
  );
}

/** An XML declaration anywhere but at the very start, e.g. after whitespace (XML 1.0 §2.8). */
export function misplacedDeclaration(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_NOT_WELL_FORMED',
    'The dossier is not well-formed XML: the XML declaration (<?xml …?>) must be the very first thing in the document; nothing, not even whitespace or a line break, may stand before it (a byte order mark may).',
  );
}

export function processingInstruction(): DossierShapeError {
  return new DossierShapeError(
    'DOSSIER_PROCESSING_INSTRUCTION',
    'The dossier holds a processing instruction (such as xml-stylesheet); only the XML declaration is allowed, since the receiving school gets the dossier exactly as sent.',
  );
}

/**
 * A schema location may only name a file beside the dossier ("oso-2019.1.xsd", "xsd/oso.xsd"): no
 * scheme (http:, file:, …), no absolute path, no way up. The receiving school gets these bytes as they
 * are, and a location outside would tell its software where to fetch from.
 */
function isLocalReference(written: string): boolean {
  // Judged as a consumer reads it: percent-escapes decoded (`%2e%2e%2f` is `../`), and an escape that
  // decodes to another escape (`%252e`) refused rather than decoded twice.
  let location: string;
  try {
    location = decodeURIComponent(written);
  } catch {
    return false;
  }
  return (
    !location.includes('%') &&
    !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location) &&
    !/^[/\\]/.test(location) &&
    !location.includes('\\') &&
    !location.split('/').includes('..')
  );
}

/** The locations in xsi:schemaLocation (namespace–location pairs) and xsi:noNamespaceSchemaLocation. */
function locationsOf(attributes: Record<string, string>): string[] {
  const locations: string[] = [];
  const pairs = attributes.schemaLocation?.trim().split(/\s+/) ?? [];
  for (let index = 1; index < pairs.length; index += 2) locations.push(pairs[index]);
  if (pairs.length % 2 === 1) locations.push(pairs[pairs.length - 1]);
  if (attributes.noNamespaceSchemaLocation !== undefined) {
    locations.push(attributes.noNamespaceSchemaLocation.trim());
  }
  return locations;
}

/** Refuses a schema location that points outside the dossier's own folder (see isLocalReference). */
export function schemaLocationProblem(
  elements: ReadonlyArray<{ attributes: Record<string, string> }>,
): DossierShapeError | null {
  for (const { attributes } of elements) {
    if (attributes.schemaLocation === undefined && attributes.noNamespaceSchemaLocation === undefined) {
      continue;
    }
    if (!locationsOf(attributes).every(isLocalReference)) {
      return new DossierShapeError(
        'DOSSIER_SCHEMA_LOCATION',
        'The dossier names a schema location outside itself (a URL, an absolute path or a path upwards, also when percent-encoded); leave out xsi:schemaLocation or name a file beside the dossier, since the receiving school gets the dossier exactly as sent.',
      );
    }
  }
  return null;
}
