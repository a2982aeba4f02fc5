import { generateDossier } from '../../libs/oso-dataset/src';
import { POVO_DOSSIER, POVO_RECIPE } from '../support/large-dossiers';

/** Hostile dossiers, made in code from the generated test POVO dossier (no large fixture files). */
export const POVO_TEXT = POVO_DOSSIER.xml;

/**
 * The test dossier with a hundred small attachments (four elements each): over 700 elements, so an
 * error on each gives many more findings than an answer lists.
 */
export const MANY_ELEMENTS_TEXT = generateDossier({
  ...POVO_RECIPE,
  attachments: { count: 100, bytesEach: 64 },
}).xml;

/** The dossier with `insert` placed right after the opening tag of <leerling>. */
export function withinLeerling(insert: string): string {
  return POVO_TEXT.replace('<leerling>', `<leerling>${insert}`);
}

/** The dossier with `attributes` on the <leerling> start tag. */
export function leerlingWithAttributes(attributes: string): string {
  return POVO_TEXT.replace('<leerling>', `<leerling ${attributes}>`);
}

/** `count` attributes a0="…" … for one start tag. */
export function manyAttributes(count: number, value = 'x'): string {
  const parts: string[] = [];
  for (let index = 0; index < count; index++) parts.push(`a${index}="${value}"`);
  return parts.join(' ');
}

/** The dossier with its first attachment's content and file name replaced. */
export function withAttachment(content: Buffer, fileName = 'bijlage.docx'): string {
  return POVO_TEXT.replace(
    /<bestandsnaam>[^<]*<\/bestandsnaam>([\s\S]*?)<bestandsinhoud>[^<]*<\/bestandsinhoud>/,
    (_whole, between: string) =>
      `<bestandsnaam>${fileName}</bestandsnaam>${between}<bestandsinhoud>${content.toString('base64')}</bestandsinhoud>`,
  );
}

/** Deterministic bytes that look like a PDF and hold no ZIP signature (a seeded generator). */
export function pdfLikeBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  bytes.write('%PDF-1.7\n');
  let state = 0x2545f491;
  for (let index = 9; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  // Break any "PK" the generator happened to make, so the content is plainly no archive.
  for (let at = bytes.indexOf('PK'); at !== -1; at = bytes.indexOf('PK', at + 1)) bytes[at] = 0x51;
  return bytes;
}
