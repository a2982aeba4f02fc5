import PDFDocument from 'pdfkit';
import type { RenderedAttachment, RenderedDossier } from '../model/rendered-dossier';
import { drawAttachmentList, drawNotice, drawSection } from './blocks';
import { FONT, registerFonts } from './fonts';
import { COLOUR, PAGE, SPACE, TYPE } from './layout';
import { drawPageFurniture } from './page-furniture';
import { embeddedFileNames, identityText, PDF_TEXT } from './pdf-texts';
import { PdfWriter } from './pdf-writer';
import { drawZienswijze } from './zienswijze';

/**
 * The PDF of the model (A4, Dutch, tagged): the same content as the HTML page, made without a browser.
 * Every attachment is embedded as a file of its own. The document's metadata names no pupil: file
 * properties travel with a copy and are shown by file managers and search indexes.
 */
export async function renderPdf(dossier: RenderedDossier): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: { ...PAGE.margin },
    bufferPages: true,
    tagged: true,
    lang: 'nl-NL',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: dossier.title,
      Author: PDF_TEXT.creator,
      Creator: PDF_TEXT.creator,
    },
  });
  const done = collect(doc);
  registerFonts(doc);
  const w = new PdfWriter(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);

  drawTitle(w, root, dossier);
  if (dossier.zienswijze) drawZienswijze(w, root, dossier.zienswijze);
  for (const section of dossier.sections) drawSection(w, root, section);
  drawAttachmentList(w, root, dossier.attachments);
  root.end();

  embedAttachments(doc, dossier.attachments);
  drawPageFurniture(doc, dossier.identity);
  doc.end();
  return done;
}

function drawTitle(w: PdfWriter, root: PDFKit.PDFStructureElement, dossier: RenderedDossier): void {
  w.paragraph(root, dossier.title, { font: FONT.bold, size: TYPE.title }, 'H1');
  w.y += SPACE.afterHeading;
  w.paragraph(root, dossier.subtitle, { size: TYPE.subtitle });
  w.y += SPACE.afterHeading;
  w.paragraph(root, identityText(dossier.identity), { size: TYPE.table, colour: COLOUR.muted });
  w.y += SPACE.afterBlock;
  if (dossier.formNotice) drawNotice(w, root, 'left-out', dossier.formNotice);
}

function embedAttachments(doc: PDFKit.PDFDocument, attachments: readonly RenderedAttachment[]): void {
  const names = embeddedFileNames(attachments);
  attachments.forEach((attachment, index) => {
    doc.file(attachment.content, {
      name: names[index],
      type: attachment.mediaType,
      description: attachment.description ?? undefined,
    });
  });
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
