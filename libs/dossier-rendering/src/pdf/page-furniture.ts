import type { RenderedIdentity } from '../model/rendered-dossier';
import { FONT } from './fonts';
import { COLOUR, CONTENT_WIDTH, PAGE, TYPE } from './layout';
import { identityLines } from './pdf-texts';

/** How far above the body the header line sits, and below it the footer line (points). */
const HEADER_OFFSET = 26;
const FOOTER_OFFSET = 18;

/**
 * The identity on every page, drawn when the page count is known: version, short hash and page at the top,
 * the full content hash at the bottom, so each printed page names the exact version it shows.
 */
export function drawPageFurniture(doc: PDFKit.PDFDocument, identity: RenderedIdentity): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const lines = identityLines(identity, index - range.start + 1, range.count);
    const bottomMargin = doc.page.margins.bottom;
    // Text below the bottom margin would otherwise make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font(FONT.regular).fontSize(TYPE.furniture).fillColor(COLOUR.muted);
    doc.text(lines.first, PAGE.margin.left, PAGE.margin.top - HEADER_OFFSET, {
      width: CONTENT_WIDTH,
      lineBreak: false,
    });
    doc.text(lines.second, PAGE.margin.left, PAGE.height - PAGE.margin.bottom + FOOTER_OFFSET, {
      width: CONTENT_WIDTH,
      lineBreak: false,
    });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottomMargin;
  }
}
