import type { RenderedZienswijze } from '../model/rendered-dossier';
import { drawFields } from './blocks';
import { FONT } from './fonts';
import { COLOUR, PAGE, SPACE, TYPE } from './layout';
import { PDF_TEXT } from './pdf-texts';
import type { PdfWriter } from './pdf-writer';

type Structure = PDFKit.PDFStructureElement;

/**
 * The field the remarks quotation shows: not printed twice, its label heads the quotation instead.
 */
const REMARKS_FIELD = '/redennietakkoord';

/**
 * The parents' inzage and remarks, first and framed (accent bar and border, on every page it spans), the
 * remarks as a quotation in a larger type.
 */
export function drawZienswijze(w: PdfWriter, root: Structure, zienswijze: RenderedZienswijze): void {
  const sect = w.element(root, 'Sect');
  w.y += SPACE.beforeHeading;
  w.ensureSpace(PAGE.margin.top + SPACE.afterBlock);
  const startPage = w.pageIndex;
  const startY = w.y;
  w.indented(() => {
    w.heading(sect, 2, zienswijze.heading);
    const remarksField = zienswijze.fields.find((field) => field.path.endsWith(REMARKS_FIELD));
    const fields = zienswijze.fields.filter(
      (field) => !(zienswijze.remarks !== null && field === remarksField),
    );
    if (fields.length > 0) drawFields(w, sect, fields);
    if (zienswijze.remarks !== null) {
      w.paragraph(sect, remarksField?.label ?? PDF_TEXT.remarksHeading, { font: FONT.bold });
      w.y += SPACE.afterHeading;
      w.indented(() => w.paragraph(sect, `“${zienswijze.remarks}”`, { size: TYPE.subtitle }, 'BlockQuote'));
      w.y += SPACE.afterBlock;
    }
  });
  sect.end();
  frame(w, startPage, startY, w.pageIndex, w.y);
  w.y += SPACE.afterBlock;
}

/** Draws the frame after the content (whose height is known only then), page by page. */
function frame(w: PdfWriter, startPage: number, startY: number, endPage: number, endY: number): void {
  const left = PAGE.margin.left;
  const width = PAGE.width - PAGE.margin.left - PAGE.margin.right;
  const accentWidth = SPACE.accentBar + 1;
  for (let page = startPage; page <= endPage; page += 1) {
    w.doc.switchToPage(page);
    const top = page === startPage ? startY : PAGE.margin.top;
    const bottom = page === endPage ? endY : w.bottom;
    w.artifact(() => {
      w.doc
        .rect(left, top, width, bottom - top)
        .lineWidth(1)
        .strokeColor(COLOUR.zienswijzeAccent)
        .stroke();
      w.doc.rect(left, top, accentWidth, bottom - top).fill(COLOUR.zienswijzeAccent);
    });
  }
  w.doc.switchToPage(endPage);
  w.y = endY;
}
