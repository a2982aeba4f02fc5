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
  /** The decoded bytes, or null when the content is not valid base64. */
  decoded: Buffer | null;
  /** Length of the base64 text without whitespace. */
  encodedLength: number;
}

/**
 * Decodes base64 strictly but cheaply. The native decoder skips characters outside the alphabet, so
 * a clean text is valid exactly when it decodes to the length its size promises and its padding sits
 * at the end. Only content with whitespace (allowed by xs:base64Binary) takes the slower cleaning path.
 */
function decodeBase64(text: string): { decoded: Buffer | null; encodedLength: number } {
  const compact = text.length % 4 === 0 && !/\s/.test(text.slice(0, 80)) ? text : text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0) return { decoded: null, encodedLength: compact.length };
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const firstPad = compact.indexOf('=');
  const decoded = Buffer.from(compact, 'base64');
  const valid =
    (firstPad === -1 || firstPad === compact.length - padding) &&
    decoded.length === (compact.length / 4) * 3 - padding;
  return { decoded: valid ? decoded : null, encodedLength: compact.length };
}

/** Every attachment (`document` with `bestandsinhoud`), wherever it stands; decoded once per dossier. */
export function attachmentsOf(dossier: DossierUnderReview): Attachment[] {
  return dossier.derived(attachmentsOf, readAttachments);
}

function readAttachments(dossier: DossierUnderReview): Attachment[] {
  return dossier.elementsNamed('document').map((element) => ({
    element,
    name: textAt(element, 'bestandsnaam') ?? '',
    ...decodeBase64(child(element, 'bestandsinhoud')?.text ?? ''),
  }));
}

function attachmentRule(
  id: string,
  summary: DossierRule['summary'],
  judge: (attachment: Attachment, decoded: Buffer | null) => Omit<RuleBreach, 'at'> | null,
): DossierRule {
  return {
    id,
    family: 'attachments',
    severity: 'error',
    summary,
    check: (dossier) =>
      attachmentsOf(dossier).flatMap((attachment) => {
        const breach = judge(attachment, attachment.decoded);
        return breach ? [{ at: attachment.element, ...breach }] : [];
      }),
  };
}

export const ATTACHMENT_RULES: DossierRule[] = [
  attachmentRule(
    'BRK.ATT.01',
    { en: 'An attachment’s content is valid base64.', nl: 'De inhoud van een bijlage is geldige base64.' },
    (attachment, decoded) =>
      decoded
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
    (attachment, decoded) =>
      decoded && decoded.length > MAX_ATTACHMENT_BYTES
        ? {
            en: `${pathOf(attachment.element)} is ${decoded.length} bytes; at most ${MAX_ATTACHMENT_BYTES} are accepted.`,
            nl: `${pathOf(attachment.element)} is ${decoded.length} bytes; hoogstens ${MAX_ATTACHMENT_BYTES} zijn toegestaan.`,
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
    (attachment, decoded) => {
      if (!decoded || decoded.length < 4 || decoded.readUInt32LE(0) !== 0x04034b50) return null;
      const { unpackedBytes } = inspectZip(decoded);
      const ratio = unpackedBytes / decoded.length;
      if (unpackedBytes <= MAX_UNPACKED_BYTES && ratio <= MAX_EXPANSION_RATIO) return null;
      return {
        en: `${pathOf(attachment.element)} is refused: it claims to unpack to ${unpackedBytes} bytes, ${ratio.toFixed(0)} times its size.`,
        nl: `${pathOf(attachment.element)} wordt geweigerd: uitgepakt zou het ${unpackedBytes} bytes zijn, ${ratio.toFixed(0)} keer zo groot.`,
      };
    },
  ),
];
