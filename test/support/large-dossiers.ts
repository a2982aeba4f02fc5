import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOSSIER_SHAPE_LIMITS } from '../../libs/oso-dataset/src/dossier-shape';

/** The official examples, as the broker's tests read them. */
export const OSO_EXAMPLES = join(__dirname, '..', '..', '..', 'shared', 'oso', 'reference', 'examples');
export const POVO_EXAMPLE = readFileSync(join(OSO_EXAMPLES, 'Voorbeelddossier_OV_POVO_full.xml'));

/** Largest decoded attachment per `document`: its base64 stays below libxml2's 10,000,000-byte text node. */
const ATTACHMENT_BYTES = 6 * 1024 * 1024;

/**
 * The official POVO example grown to about `totalBytes` with valid text attachments in its
 * documentLijst: a large dossier the strict rules accept, heavy on bytes rather than on elements.
 */
export function dossierWithAttachments(totalBytes: number, example: Buffer = POVO_EXAMPLE): Buffer {
  const xml = example.toString('utf8');
  const documents: string[] = [];
  let size = xml.length;
  while (size < totalBytes) {
    const content = Buffer.alloc(
      Math.min(ATTACHMENT_BYTES, Math.ceil(((totalBytes - size) * 3) / 4)),
      'Verslag van de leerling; tekst als bijlage.\n',
    );
    const document =
      `<document><bestandsnaam>bijlage-${documents.length + 1}.txt</bestandsnaam>` +
      `<omschrijving>Bijlage</omschrijving><bestandsinhoud>${content.toString('base64')}</bestandsinhoud></document>`;
    documents.push(document);
    size += document.length;
  }
  return Buffer.from(xml.replace('<documentLijst>', `<documentLijst>${documents.join('')}`), 'utf8');
}

/**
 * The heaviest dossier the shape limits let through to libxml2: the official POVO example with small
 * attachments up to just below the element limit (about 3.3 MB), plus, when asked, one attachment of
 * `attachmentBytes` decoded. Heavy on elements, so on memory: it needs 32–48 MB of a thread's heap,
 * with a 10 MiB attachment too; the POVO example alone fits in 16 MB.
 */
export function dossierAtElementLimit(attachmentBytes = 0, example: Buffer = POVO_EXAMPLE): Buffer {
  const xml = example.toString('utf8');
  const smallDocument =
    '<document><bestandsnaam>b.txt</bestandsnaam><omschrijving>B</omschrijving>' +
    '<bestandsinhoud>bG9yZW0=</bestandsinhoud></document>';
  const elementsOfExample = (xml.match(/<[A-Za-z]/g) ?? []).length;
  // Four elements per document; a margin for the large attachment's document.
  const count = Math.floor((DOSSIER_SHAPE_LIMITS.elements - elementsOfExample - 8) / 4);
  const large =
    attachmentBytes > 0
      ? '<document><bestandsnaam>groot.txt</bestandsnaam><omschrijving>Groot</omschrijving><bestandsinhoud>' +
        Buffer.alloc(attachmentBytes, 'Verslag van de leerling; tekst als bijlage.\n').toString('base64') +
        '</bestandsinhoud></document>'
      : '';
  return Buffer.from(xml.replace('<documentLijst>', `<documentLijst>${large}${smallDocument.repeat(count)}`));
}
