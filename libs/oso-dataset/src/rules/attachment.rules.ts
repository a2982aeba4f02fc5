import { DossierElement, child, pathOf, textAt } from '../dossier-element';
import { DossierUnderReview } from './dossier-under-review';
import { DossierRule, RuleBreach } from './dossier-rule';
import { inspectZip } from './zip-inspection';

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
/** A ZIP container may not unpack to more than this, nor expand by more than the ratio (zip bombs). */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
export const MAX_EXPANSION_RATIO = 100;

export interface Attachment {
  element: DossierElement;
  name: string;
  /** Length of the base64 text without whitespace. */
  encodedLength: number;
  /** Size of the decoded content in bytes, or null when the content is not valid base64. */
  size: number | null;
  /** For content that is a ZIP container: what its entries claim to unpack to; otherwise null. */
  zip: { entries: number; unpackedBytes: number } | null;
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
 * at the end. Only content with whitespace (allowed by xs:base64Binary) takes the slower cleaning path.
 */
function decodeAttachment(element: DossierElement): Attachment {
  const name = textAt(element, 'bestandsnaam') ?? '';
  const text = child(element, 'bestandsinhoud')?.text ?? '';
  const compact = text.length % 4 === 0 && !/\s/.test(text.slice(0, 80)) ? text : text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0) return new DecodedAttachment(element, name, compact, null, null);
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const firstPad = compact.indexOf('=');
  const size = (compact.length / 4) * 3 - padding;
  if (firstPad !== -1 && firstPad !== compact.length - padding) {
    return new DecodedAttachment(element, name, compact, null, null);
  }
  // Room for the three bytes of a last group whose padding the decoder may not count.
  const needed = size + 3;
  if (needed > scratch.length && needed <= MAX_SCRATCH_BYTES) scratch = Buffer.allocUnsafe(MAX_SCRATCH_BYTES);
  const target = needed <= scratch.length ? scratch : Buffer.allocUnsafe(needed);
  if (target.write(compact, 0, 'base64') !== size)
    return new DecodedAttachment(element, name, compact, null, null);
  const content = target.subarray(0, size);
  const zip = size >= 4 && content.readUInt32LE(0) === 0x04034b50 ? inspectZip(content) : null;
  return new DecodedAttachment(element, name, compact, size, zip);
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
        en: `${pathOf(attachment.element)}: file type "${extension ?? '(none)'}" is not allowed; use ${ALLOWED_ATTACHMENT_EXTENSIONS.join(', ')}.`,
        nl: `${pathOf(attachment.element)}: bestandstype "${extension ?? '(geen)'}" is niet toegestaan; gebruik ${ALLOWED_ATTACHMENT_EXTENSIONS.join(', ')}.`,
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
      if (attachment.zip === null || attachment.size === null) return null;
      const { unpackedBytes } = attachment.zip;
      const ratio = unpackedBytes / attachment.size;
      if (unpackedBytes <= MAX_UNPACKED_BYTES && ratio <= MAX_EXPANSION_RATIO) return null;
      return {
        en: `${pathOf(attachment.element)} is refused: it claims to unpack to ${unpackedBytes} bytes, ${ratio.toFixed(0)} times its size.`,
        nl: `${pathOf(attachment.element)} wordt geweigerd: uitgepakt zou het ${unpackedBytes} bytes zijn, ${ratio.toFixed(0)} keer zo groot.`,
      };
    },
  ),
];
