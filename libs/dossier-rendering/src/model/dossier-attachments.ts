import { type DossierElement, child, pathOf } from '@app/oso-dataset/dossier-element';
import { readDossierIndexed } from '@app/oso-dataset/read-dossier-tree';
import { OCTET_STREAM, sniffMediaType } from './media-type';
import type { RenderedAttachment } from './rendered-dossier';

/** The element that holds one attachment. */
export const ATTACHMENT_ELEMENT = 'document';

const WHITESPACE = /\s+/g;
const HAS_WHITESPACE = /\s/;

/**
 * Every attachment (`document` element) of a validated dossier version, in document order, numbered from
 * 1, content decoded and media type judged from the bytes. The API serves one on its own by its number.
 */
export function dossierAttachments(bytes: Buffer): RenderedAttachment[] {
  const documents = readDossierIndexed(bytes).byName.get(ATTACHMENT_ELEMENT) ?? [];
  return documents.map((document, index) => attachmentOf(document, index + 1));
}

/** The attachment at `number` (1-based, document order) alone, the others left encoded; null if none. */
export function dossierAttachment(bytes: Buffer, number: number): RenderedAttachment | null {
  const document = readDossierIndexed(bytes).byName.get(ATTACHMENT_ELEMENT)?.[number - 1];
  return document ? attachmentOf(document, number) : null;
}

/** One attachment; `number` is its 1-based position among all `document` elements of the dossier. */
export function attachmentOf(
  document: DossierElement,
  number: number,
  path = pathOf(document),
): RenderedAttachment {
  const encoded = withoutWhitespace(child(document, 'bestandsinhoud')?.text ?? '');
  // Node decodes leniently (skipping what is not base64): what decodes is kept, but content that did
  // not decode cleanly cannot be trusted to be what its first bytes suggest. Clean base64 is exactly
  // what encoding the content again gives (checked natively: a regular expression over megabytes of
  // base64 costs milliseconds).
  const content = Buffer.from(encoded, 'base64');
  const clean = content.toString('base64') === encoded;
  const description = child(document, 'omschrijving')?.text.trim();
  return {
    number,
    fileName: child(document, 'bestandsnaam')?.text.trim() ?? '',
    description: description ? description : null,
    mediaType: clean ? sniffMediaType(content) : OCTET_STREAM,
    byteLength: content.length,
    content,
    path,
  };
}

/** Base64 may be wrapped over lines; most attachments are one line, which need no copy. */
function withoutWhitespace(text: string): string {
  return HAS_WHITESPACE.test(text) ? text.replace(WHITESPACE, '') : text;
}
