import { FONT } from './fonts';
import { COLOUR, SPACE, TYPE } from './layout';
import type { PdfWriter, TextStyle } from './pdf-writer';

type Structure = PDFKit.PDFStructureElement;

export interface Cell {
  text: string;
  /** A stand-in for a value the model does not hold (secret, left out): styled apart. */
  masked?: boolean;
}

export interface TableSpec {
  caption?: string;
  /** Column headers; absent for a field list, whose first column heads each row instead. */
  columns?: string[];
  rows: Cell[][];
  /** Column widths in points; by default from the content (see columnWidths). */
  widths?: number[];
  /** Fill the first column (the labels of a field list). */
  labelColumn?: boolean;
}

/** A column never gets narrower than this (points), unless the page cannot give every column as much. */
const MIN_COLUMN_WIDTH = 40;
/** Text lengths (characters) beyond which a column does not ask for more room. */
const WEIGHT_FLOOR = 3;
const WEIGHT_CEILING = 30;
/** Only this many rows are looked at to size the columns: enough to see their kind, linear in time. */
const ROWS_SAMPLED = 60;

/** Widths from how long the texts of each column are, so short codes do not get half the page. */
export function columnWidths(columns: readonly string[], rows: readonly string[][], total: number): number[] {
  const weights = columns.map((header, index) => {
    let longest = header.length * 0.6;
    for (const row of rows.slice(0, ROWS_SAMPLED)) longest = Math.max(longest, row[index]?.length ?? 0);
    return Math.min(Math.max(longest, WEIGHT_FLOOR), WEIGHT_CEILING);
  });
  const minimum = Math.min(MIN_COLUMN_WIDTH, total / columns.length);
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((weight) => (total * weight) / sum);
  const narrow = raw.filter((width) => width < minimum).length;
  const wideSum = raw.filter((width) => width >= minimum).reduce((a, b) => a + b, 0);
  const rest = total - narrow * minimum;
  return raw.map((width) => (width < minimum ? minimum : (width * rest) / wideSum));
}

function cellStyle(cell: Cell, head: boolean): TextStyle {
  return {
    font: head ? FONT.bold : FONT.regular,
    size: TYPE.table,
    colour: cell.masked ? COLOUR.notice.secret.accent : COLOUR.text,
  };
}

interface RowPlan {
  cells: Cell[];
  heights: number[];
  height: number;
}

function planRow(w: PdfWriter, cells: Cell[], widths: number[], headRow: boolean, spec: TableSpec): RowPlan {
  const pad = SPACE.cellPadding;
  const heights = cells.map((cell, index) =>
    w.textHeight(cell.text, widths[index] - 2 * pad, cellStyle(cell, headRow || isRowHead(spec, index))),
  );
  return { cells, heights, height: Math.max(...heights, 0) + 2 * pad };
}

function isRowHead(spec: TableSpec, index: number): boolean {
  return !spec.columns && index === 0;
}

/** Draws one planned row at the cursor; `tr` null draws it as decoration (a repeated header). */
function drawRow(
  w: PdfWriter,
  tr: Structure | null,
  plan: RowPlan,
  widths: number[],
  spec: TableSpec,
  headRow: boolean,
): void {
  const pad = SPACE.cellPadding;
  const top = w.y;
  const total = widths.reduce((a, b) => a + b, 0);
  if (headRow) w.fillRect(w.left, top, total, plan.height, COLOUR.headerFill);
  else if (spec.labelColumn) w.fillRect(w.left, top, widths[0], plan.height, COLOUR.headerFill);
  let x = w.left;
  plan.cells.forEach((cell, index) => {
    const head = headRow || isRowHead(spec, index);
    const draw = (): void =>
      w.textAt(cell.text, x + pad, top + pad, widths[index] - 2 * pad, cellStyle(cell, head));
    if (tr) w.tag(tr, head ? 'TH' : 'TD', draw);
    else w.artifact(draw);
    x += widths[index];
  });
  w.y = top + plan.height;
  w.rule(w.left, w.y, total);
}

/**
 * A row taller than a page cannot be drawn as cells: its cells follow one another as paragraphs (header:
 * value), flowing over the pages, so no text is cut.
 */
function drawStackedRow(w: PdfWriter, tr: Structure, cells: Cell[], spec: TableSpec): void {
  cells.forEach((cell, index) => {
    const header = spec.columns?.[index];
    w.tag(tr, isRowHead(spec, index) ? 'TH' : 'TD', () => {
      if (header) {
        w.style({ font: FONT.bold, size: TYPE.table });
        w.doc.text(header, w.left, w.y, { width: w.width });
      }
      w.style(cellStyle(cell, isRowHead(spec, index)));
      w.doc.text(cell.text, w.left, w.y, { width: w.width });
    });
  });
  w.y += SPACE.cellPadding;
  w.rule(w.left, w.y, w.width);
}

/** A table with headers; the header row is repeated at the top of every page the table continues on. */
export function drawTable(w: PdfWriter, parent: Structure, spec: TableSpec): void {
  const columnCount = spec.columns?.length ?? spec.rows[0]?.length ?? 0;
  if (columnCount === 0) return;
  const widths =
    spec.widths ??
    columnWidths(
      spec.columns ?? Array.from({ length: columnCount }, () => ''),
      spec.rows.map((row) => row.map((cell) => cell.text)),
      w.width,
    );
  const table = w.element(parent, 'Table');
  const headerPlan = spec.columns
    ? planRow(
        w,
        spec.columns.map((text) => ({ text })),
        widths,
        true,
        spec,
      )
    : null;
  const firstRow = spec.rows[0] ? planRow(w, spec.rows[0], widths, false, spec) : null;
  const captionHeight = spec.caption ? w.textHeight(spec.caption, w.width, { font: FONT.bold }) + 2 : 0;
  w.ensureSpace(captionHeight + (headerPlan?.height ?? 0) + Math.min(firstRow?.height ?? 0, w.pageSpace / 2));
  if (spec.caption) {
    w.paragraph(table, spec.caption, { font: FONT.bold }, 'Caption');
    w.y += 2;
  }
  if (headerPlan) drawRow(w, w.element(table, 'TR'), headerPlan, widths, spec, true);
  spec.rows.forEach((cells, index) => {
    const plan = index === 0 && firstRow ? firstRow : planRow(w, cells, widths, false, spec);
    const tr = w.element(table, 'TR');
    if (plan.height > w.pageSpace - (headerPlan?.height ?? 0)) {
      drawStackedRow(w, tr, cells, spec);
      return;
    }
    if (w.y + plan.height > w.bottom) {
      w.newPage();
      if (headerPlan) drawRow(w, null, headerPlan, widths, spec, true);
    }
    drawRow(w, tr, plan, widths, spec, false);
  });
  table.end();
  w.y += SPACE.afterBlock;
}
