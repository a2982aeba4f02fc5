import { DossierElement, child, pathOf, textAt } from '../dossier-element';
import { DossierUnderReview } from './dossier-under-review';
import { DossierRule, RuleBreach } from './dossier-rule';
import {
  MAX_PACKED_BYTES_READ,
  MAX_UNPACKED_BYTES,
  MAX_ZIP_NESTING,
  ZipJudgement,
  judgeZip,
  looksLikeZip,
} from '../zip-inflation';

/** File types a school may attach (the standard's attachments are reports, letters, scans, sheets). */
export const ALLOWED_ATTACHMENT_EXTENSIONS = [
  'pdf',
  'jpg',
  'jpeg',
  'png',
  'doc',
  'docx',
  'odt',
  'ods',
  'xls',
  'xlsx',
  'txt',
  'ppt',
  'pptx',
];
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export { MAX_UNPACKED_BYTES, MAX_ZIP_NESTING };

export interface Attachment {
  element: DossierElement;
  name: string;
  /** Length of the base64 text without whitespace. */
  encodedLength: number;
  /** Size of the decoded content in bytes, or null when the content is not valid base64. */
  size: number | null;
  /** For content that holds a ZIP archive: what unpacking it showed (see judgeZip); otherwise null. */
  zip: ZipJudgement | null;
  /** The decoded bytes (decoded when first asked for), or null when the content is not valid base64. */
  readonly decoded: Buffer | null;
}

/**
 * Where the content is decoded to be judged. Rules need only the size and what a ZIP claims, so one
 * buffer serves every attachment instead of a new one each (measured: the allocations cost as much as
 * the decoding). Contents larger than it get a buffer of their own, so that it stays small.
 */
let scratch = Buffer.allocUnsafe(256 * 1024);
const MAX_SCRATCH_BYTES = 1024 * 1024;

class DecodedAttachment implements Attachment {
  private bytes: Buffer | null | undefined;

  constructor(
    readonly element: DossierElement,
    readonly name: string,
    /** The base64 text without whitespace. */
    private readonly compact: string,
    readonly size: number | null,
    readonly zip: Attachment['zip'],
  ) {}

  get encodedLength(): number {
    return this.compact.length;
  }

  get decoded(): Buffer | null {
    if (this.bytes === undefined)
      this.bytes = this.size === null ? null : Buffer.from(this.compact, 'base64');
    return this.bytes;
  }
}

/**
 * Decodes base64 strictly but cheaply. The native decoder skips characters outside the alphabet, so
 * a clean text is valid exactly when it decodes to the length its size promises and its padding sits
 * at the end. XML whitespace anywhere is ignored (xs:base64Binary allows it): text that does not
 * decode cleanly as it stands is decoded again without it. The native decoder also reads the base64url
 * characters `-` and `_`, which base64Binary does not have: they are refused.
 */
function decodeAttachment(element: DossierElement): Attachment {
  const name = textAt(element, 'bestandsnaam') ?? '';
  const text = child(element, 'bestandsinhoud')?.text ?? '';
  const invalid = (compact: string) => new DecodedAttachment(element, name, compact, null, null);
  if (text.includes('-') || text.includes('_')) return invalid(withoutWhitespace(text));
  let compact = text.length % 4 === 0 && !/\s/.test(text.slice(0, 80)) ? text : withoutWhitespace(text);
  let content = decodedInto(compact);
  if (content === null && compact === text) {
    compact = withoutWhitespace(text);
    if (compact !== text) content = decodedInto(compact);
  }
  if (content === null) return invalid(compact);
  const zip = looksLikeZip(content) ? judgeZip(content) : null;
  return new DecodedAttachment(element, name, compact, content.length, zip);
}

/** XML's whitespace (space, tab, line feed, carriage return), the only kind base64Binary allows. */
function withoutWhitespace(text: string): string {
  return text.replace(/[ \t\n\r]+/g, '');
}

/** The content decoded into the scratch buffer (or one of its own), or null when it is not base64. */
function decodedInto(compact: string): Buffer | null {
  if (compact.length % 4 !== 0) return null;
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const firstPad = compact.indexOf('=');
  const size = (compact.length / 4) * 3 - padding;
  if (firstPad !== -1 && firstPad !== compact.length - padding) return null;
  // Room for the three bytes of a last group whose padding the decoder may not count.
  const needed = size + 3;
  if (needed > scratch.length && needed <= MAX_SCRATCH_BYTES) scratch = Buffer.allocUnsafe(MAX_SCRATCH_BYTES);
  const target = needed <= scratch.length ? scratch : Buffer.allocUnsafe(needed);
  if (target.write(compact, 0, 'base64') !== size) return null;
  return target.subarray(0, size);
}

/** Every attachment (`document` with `bestandsinhoud`), wherever it stands; decoded once per dossier. */
export function attachmentsOf(dossier: DossierUnderReview): Attachment[] {
  return dossier.derived(attachmentsOf, readAttachments);
}

function readAttachments(dossier: DossierUnderReview): Attachment[] {
  return dossier.elementsNamed('document').map(decodeAttachment);
}

function attachmentRule(
  id: string,
  summary: DossierRule['summary'],
  judge: (attachment: Attachment) => Omit<RuleBreach, 'at'> | null,
): DossierRule {
  return {
    id,
    family: 'attachments',
    severity: 'error',
    summary,
    check: (dossier) => {
      const breaches: RuleBreach[] = [];
      for (const attachment of attachmentsOf(dossier)) {
        const breach = judge(attachment);
        if (breach) breaches.push({ at: attachment.element, ...breach });
      }
      return breaches;
    },
  };
}

export const ATTACHMENT_RULES: DossierRule[] = [
  attachmentRule(
    'BRK.ATT.01',
    { en: 'An attachment’s content is valid base64.', nl: 'De inhoud van een bijlage is geldige base64.' },
    (attachment) =>
      attachment.size !== null
        ? null
        : {
            en: `${pathOf(attachment.element)}/bestandsinhoud is not valid base64.`,
            nl: `${pathOf(attachment.element)}/bestandsinhoud is geen geldige base64.`,
          },
  ),
  attachmentRule(
    'BRK.ATT.02',
    {
      en: `An attachment is at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB once decoded.`,
      nl: `Een bijlage is gedecodeerd hoogstens ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`,
    },
    (attachment) =>
      attachment.size !== null && attachment.size > MAX_ATTACHMENT_BYTES
        ? {
            en: `${pathOf(attachment.element)} is ${attachment.size} bytes; at most ${MAX_ATTACHMENT_BYTES} are accepted.`,
            nl: `${pathOf(attachment.element)} is ${attachment.size} bytes; hoogstens ${MAX_ATTACHMENT_BYTES} zijn toegestaan.`,
          }
        : null,
  ),
  attachmentRule(
    'BRK.ATT.03',
    {
      en: `An attachment is of an allowed type: ${ALLOWED_ATTACHMENT_EXTENSIONS.join(', ')}.`,
      nl: `Een bijlage is van een toegestaan type: ${ALLOWED_ATTACHMENT_EXTENSIONS.join(', ')}.`,
    },
    (attachment) => {
      const extension = /\.([A-Za-z0-9]+)$/.exec(attachment.name)?.[1]?.toLowerCase();
      if (extension && ALLOWED_ATTACHMENT_EXTENSIONS.includes(extension)) return null;
      return {
        // The file name is not repeated: it may name the pupil.
        en: `${pathOf(attachment.element)}/bestandsnaam has no allowed file type; it must end in one of ${ALLOWED_ATTACHMENT_EXTENSIONS.map((type) => `.${type}`).join(', ')}.`,
        nl: `${pathOf(attachment.element)}/bestandsnaam heeft geen toegestaan bestandstype; het moet eindigen op een van ${ALLOWED_ATTACHMENT_EXTENSIONS.map((type) => `.${type}`).join(', ')}.`,
      };
    },
  ),
  attachmentRule(
    'BRK.ATT.04',
    {
      en: 'A ZIP-based attachment (docx, xlsx, odt, zipped files) is no zip bomb.',
      nl: 'Een bijlage in ZIP-vorm (docx, xlsx, odt, gezipte bestanden) is geen zip-bom.',
    },
    (attachment) => {
      const judgement = attachment.zip;
      if (judgement === null || judgement.verdict === 'acceptable') return null;
      const where = pathOf(attachment.element);
      switch (judgement.verdict) {
        case 'too-large':
          return {
            en: `${where} is refused: it unpacks to more than ${MAX_UNPACKED_BYTES} bytes, the most accepted (counted by unpacking, archives inside it included).`,
            nl: `${where} wordt geweigerd: uitgepakt is het meer dan ${MAX_UNPACKED_BYTES} bytes, het maximum (geteld door uit te pakken, ingesloten archieven meegerekend).`,
          };
        case 'too-deep':
          return {
            en: `${where} is refused: it nests archives more than ${MAX_ZIP_NESTING} levels deep, the most accepted.`,
            nl: `${where} wordt geweigerd: het bevat archieven in archieven, meer dan ${MAX_ZIP_NESTING} niveaus diep, het maximum.`,
          };
        case 'too-costly':
          return {
            en: `${where} is refused: unpacking its entries, which overlap, reads more than ${MAX_PACKED_BYTES_READ} packed bytes in all, the most accepted.`,
            nl: `${where} wordt geweigerd: het uitpakken van de elkaar overlappende bestanden erin leest in totaal meer dan ${MAX_PACKED_BYTES_READ} ingepakte bytes, het maximum.`,
          };
        case 'unchecked-method':
          return {
            en: `${where} is refused: it holds a ZIP entry packed with method ${judgement.method}; only stored (0) and deflate (8) entries can be checked.`,
            nl: `${where} wordt geweigerd: het bevat een ZIP-bestand ingepakt met methode ${judgement.method}; alleen opgeslagen (0) en deflate (8) kunnen worden gecontroleerd.`,
          };
      }
    },
  ),
];
