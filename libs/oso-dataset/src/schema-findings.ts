import { FindingList } from './finding-list';
import { OSO_NAMESPACE } from './oso-standard';

/**
 * The parts of libxml2-wasm's internal module used to validate with our own error handler. The
 * package's `XsdValidator.validate` keeps every error, with its node path, in one array: a hostile
 * dossier made it collect half a million. Our handler lists the first MAX_FINDINGS and only counts the
 * rest (libxml2 itself cannot be stopped midway; the shape limits bound how many errors it can raise).
 */
export interface Libxml2Internals {
  addFunction(handler: (context: number, error: number) => void, signature: string): number;
  xmlSchemaNewValidCtxt(schema: number): number;
  xmlSchemaSetValidStructuredErrors(context: number, handler: number, data: number): void;
  xmlSchemaValidateDoc(context: number, document: number): number;
  xmlSchemaFreeValidCtxt(context: number): void;
  XmlErrorStruct: { message(error: number): string; line(error: number): number };
}

/** Validates documents against one compiled schema, listing at most MAX_FINDINGS errors. */
export class SchemaChecker {
  private findings: FindingList | null = null;
  private readonly handler: number;

  constructor(
    private readonly internals: Libxml2Internals,
    /** The compiled schema (libxml2's xmlSchemaPtr). */
    private readonly schema: number,
  ) {
    this.handler = internals.addFunction((_context, error) => this.collect(error), 'vii');
  }

  /** The schema's findings on a parsed document (libxml2's xmlDocPtr) into `findings`; false if invalid. */
  check(document: number, findings: FindingList): boolean {
    const { internals } = this;
    const context = internals.xmlSchemaNewValidCtxt(this.schema);
    if (context === 0) throw new Error('libxml2 could not allocate a schema validation context');
    this.findings = findings;
    try {
      internals.xmlSchemaSetValidStructuredErrors(context, this.handler, 0);
      const result = internals.xmlSchemaValidateDoc(context, document);
      if (result < 0) throw new Error('libxml2 failed internally while validating against the schema');
      return result === 0;
    } finally {
      this.findings = null;
      internals.xmlSchemaFreeValidCtxt(context);
    }
  }

  private collect(error: number): void {
    const findings = this.findings;
    if (!findings) return;
    // Past the limit the error is only counted: no strings are read out of wasm memory.
    findings.add('error', () => {
      const message = valueFreeSchemaMessage(this.internals.XmlErrorStruct.message(error));
      const line = this.internals.XmlErrorStruct.line(error);
      return { rule: 'XSD', path: '/', ...(line > 0 ? { line } : {}), message, messageNl: message };
    });
  }
}

const PREFIX = /^(Element '[^']*'(?:, attribute '[^']*')?: )([\s\S]*)$/;
/** What libxml2 writes right after the value it quotes, in its messages that quote one. */
const AFTER_VALUE = [
  "' is not ",
  "' is less ",
  "' is greater ",
  "' must be ",
  "' has more ",
  "' does not ",
  "' of ",
];
const OSO_BRACES = `{${OSO_NAMESPACE}}`;

/**
 * libxml2's schema message without the value it judged (the guide promises no personal data in
 * answers): "Element 'x': [facet 'pattern'] The value 'Jansen' is not accepted by the pattern '…'"
 * becomes "… The value is not accepted by the pattern '…'". The element, the attribute and the kind of
 * failure stay. A message that does not have the known shape becomes a general one rather than risk
 * a value; the OSO namespace, the same everywhere, is left out of element names.
 */
export function valueFreeSchemaMessage(raw: string): string {
  const message = raw.trim().split(OSO_BRACES).join('');
  const parts = PREFIX.exec(message);
  if (!parts) return 'The dossier does not match the OSO 2019.1 schema.';
  const [, where, what] = parts;
  if (what.startsWith("'")) {
    // "'value' is not a valid value of the atomic type 'xs:date'."
    const end = what.lastIndexOf("' is not a valid value of ");
    if (end <= 0) return `${where}the value is not valid here.`;
    return `${where}The value${what.slice(end + 1)}`;
  }
  const start = what.indexOf("The value '");
  if (start !== -1) {
    const end = Math.max(...AFTER_VALUE.map((marker) => what.lastIndexOf(marker)));
    if (end < start + "The value '".length) return `${where}the value is not valid here.`;
    return `${where}${what.slice(0, start)}The value${what.slice(end + 1)}`;
  }
  // Identity constraints quote the key's values.
  if (what.includes('key-sequence')) return `${where}a key or uniqueness constraint is broken.`;
  // Any other quoted value ("The QName value 'x' of the xsi:type attribute …") goes the same way.
  return `${where}${what.replace(QUOTED_VALUE, '$1')}`;
}

const QUOTED_VALUE = /(\bvalue) '[^']*'/gi;
