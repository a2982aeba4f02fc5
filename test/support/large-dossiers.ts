import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * The official POVO example grown to about `totalBytes` with many small attachments: heavy on elements,
 * so on memory (a 20 MB one needs about 250 MB of heap to validate).
 */
export function dossierWithManyElements(totalBytes: number, example: Buffer = POVO_EXAMPLE): Buffer {
  const xml = example.toString('utf8');
  const document =
    '<document><bestandsnaam>b.txt</bestandsnaam><omschrijving>B</omschrijving>' +
    '<bestandsinhoud>bG9yZW0=</bestandsinhoud></document>';
  const count = Math.max(0, Math.floor((totalBytes - xml.length) / document.length));
  return Buffer.from(xml.replace('<documentLijst>', `<documentLijst>${document.repeat(count)}`), 'utf8');
}
