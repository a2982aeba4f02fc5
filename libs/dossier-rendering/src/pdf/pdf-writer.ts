import { COLOUR, CONTENT_WIDTH, KEEP_WITH_NEXT, PAGE, SPACE, TYPE } from './layout';
import { FONT, type FontName } from './fonts';

type Structure = PDFKit.PDFStructureElement;

export interface TextStyle {
  font?: FontName;
  size?: number;
  colour?: string;
}

const LINE_GAP = 1.5;

/**
 * The cursor over a pdfkit document: where the next block goes, page breaks, the indent of nested groups,
 * and the tagged-PDF structure each drawn text belongs to (so a screen reader reads headings, paragraphs
 * and tables in order). Decoration (fills, rules, the repeated table header) is marked as artifact.
 */
export class PdfWriter {
  private depth = 0;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  get left(): number {
    return PAGE.margin.left + Math.min(this.depth, SPACE.maxIndentLevels) * SPACE.groupIndent;
  }

  get width(): number {
    return CONTENT_WIDTH - (this.left - PAGE.margin.left);
  }

  get y(): number {
    return this.doc.y;
  }

  set y(value: number) {
    this.doc.y = value;
  }

  get bottom(): number {
    return PAGE.height - PAGE.margin.bottom;
  }

  /** The height a fresh page offers. */
  get pageSpace(): number {
    return this.bottom - PAGE.margin.top;
  }

  get pageIndex(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = PAGE.margin.top;
  }

  /** Starts a new page unless `height` still fits on this one (or would not fit on any page). */
  ensureSpace(height: number): void {
    if (this.y + height > this.bottom && this.y > PAGE.margin.top) this.newPage();
  }

  indented<T>(draw: () => T): T {
    this.depth += 1;
    try {
      return draw();
    } finally {
      this.depth -= 1;
    }
  }

  style(style: TextStyle = {}): this {
    this.doc
      .font(style.font ?? FONT.regular)
      .fontSize(style.size ?? TYPE.body)
      .fillColor(style.colour ?? COLOUR.text);
    return this;
  }

  /** The height `text` takes at `width`; one line is measured by its width alone (most cells: no wrapping). */
  textHeight(text: string, width: number, style: TextStyle = {}): number {
    this.style(style);
    if (text === '') return 0;
    if (!text.includes('\n') && this.doc.widthOfString(text) <= width) {
      return this.doc.currentLineHeight(true) + LINE_GAP;
    }
    return this.doc.heightOfString(text, { width, lineGap: LINE_GAP });
  }

  /** Text at a fixed place (a table cell); the caller has made room for it. */
  textAt(text: string, x: number, y: number, width: number, style: TextStyle = {}): void {
    this.style(style);
    this.doc.text(text, x, y, { width, lineGap: LINE_GAP });
  }

  /** Flowing text at the cursor: continues on the next page when long. */
  paragraph(parent: Structure, text: string, style: TextStyle = {}, type = 'P'): void {
    this.tag(parent, type, () => {
      this.style(style);
      this.doc.text(text, this.left, this.y, { width: this.width, lineGap: LINE_GAP });
    });
  }

  heading(parent: Structure, level: number, text: string): void {
    const sizes = TYPE.heading;
    const size = sizes[Math.min(level - 2, sizes.length - 1)] ?? sizes[sizes.length - 1];
    this.y += SPACE.beforeHeading;
    this.ensureSpace(this.textHeight(text, this.width, { font: FONT.bold, size }) + KEEP_WITH_NEXT);
    this.paragraph(parent, text, { font: FONT.bold, size }, `H${Math.min(level, 6)}`);
    if (level === 2) this.bookmark(text);
    this.y += SPACE.afterHeading;
  }

  /**
   * A bookmark to the current page, for the reader's outline panel (sections only: their titles are the
   * standard's, never personal data). `fit` shows the whole page: pdfkit's default destination scrolls to
   * the page's right edge.
   */
  bookmark(title: string): void {
    this.doc.outline.addItem(title, { fit: true } as { expanded?: boolean });
  }

  /** A structure element under `parent` (attached, so drawing into it marks content at once). */
  element(parent: Structure, type: string): Structure {
    const element = this.doc.struct(type);
    parent.add(element);
    return element;
  }

  /** Draws into a new structure element of `type` under `parent`. */
  tag(parent: Structure, type: string, draw: () => void): Structure {
    const element = this.element(parent, type);
    element.add(draw);
    element.end();
    return element;
  }

  /** Decoration a screen reader should skip. */
  artifact(draw: () => void): void {
    this.doc.markContent('Artifact');
    draw();
    this.doc.endMarkedContent();
  }

  fillRect(x: number, y: number, width: number, height: number, colour: string): void {
    this.artifact(() => {
      this.doc.rect(x, y, width, height).fill(colour);
    });
  }

  rule(x: number, y: number, width: number, colour: string = COLOUR.rule): void {
    this.artifact(() => {
      this.doc
        .moveTo(x, y)
        .lineTo(x + width, y)
        .lineWidth(0.5)
        .strokeColor(colour)
        .stroke();
    });
  }
}
