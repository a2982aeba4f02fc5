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

/**
 * A header word narrower than this is not broken; a longer one may break when the data needs the room
 * (points: about five letters in bold table type).
 */
const HEADER_FLOOR = 28;

/** Only this many rows are measured to size the columns: enough to see their kind, linear in time. */
const ROWS_SAMPLED = 60;

/**
 * Column widths as a browser lays out an automatic table: each column gets at least what its longest word
 * needs (so dates and codes do not break), the room left goes to the columns whose texts want more. When
 * the words do not all fit, the data's words (`floors`) still do if they can, and the header words break;
 * only when even those do not fit is everything shared out in proportion.
 */
export function columnWidths(
  needs: readonly number[],
  wants: readonly number[],
  total: number,
  floors: readonly number[] = needs,
): number[] {
  const wantSum = sum(wants);
  if (wantSum <= total) return wants.map((want) => (want * total) / wantSum);
  if (sum(needs) <= total) return spread(needs, wants, total);
  if (sum(floors) < total) return spread(floors, needs, total);
  return capWidest(floors, total);
}

/**
 * When not even the data's words fit: the widest columns are capped at one level, chosen so the table fills
 * the width exactly; every column narrower than that keeps its words whole (codes, dates), only the widest
 * break theirs.
 */
function capWidest(floors: readonly number[], total: number): number[] {
  const sorted = [...floors].sort((a, b) => a - b);
  let below = 0;
  let level = total / floors.length;
  for (let index = 0; index < sorted.length; index += 1) {
    const candidate = (total - below) / (sorted.length - index);
    if (candidate <= sorted[index]) {
      level = candidate;
      break;
    }
    below += sorted[index];
  }
  return floors.map((floor) => Math.min(floor, level));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** `lows` each, and what is left of `total` in proportion to how far each column is from its `highs`. */
function spread(lows: readonly number[], highs: readonly number[], total: number): number[] {
  const extras = highs.map((high, index) => Math.max(high - lows[index], 0));
  const extraSum = sum(extras);
  const left = total - sum(lows);
  return lows.map(
    (low, index) => low + (extraSum === 0 ? left / lows.length : (left * extras[index]) / extraSum),
  );
}

/** Texts this short are kept on one line ("183 bytes", "groep 8"): breaking them helps no column. */
const UNBROKEN_CHARACTERS = 12;

function longestWord(text: string): string {
  if (text.length <= UNBROKEN_CHARACTERS) return text;
  let longest = '';
  for (const word of text.split(/\s+/)) if (word.length > longest.length) longest = word;
  return longest;
}

interface ColumnMeasures {
  /** The longest word of header and data. */
  needs: number[];
  /** The longest text on one line. */
  wants: number[];
  /** The longest word of the data alone. */
  floors: number[];
}

/** What each column needs, wants and must have, in points (from the first rows: linear in time). */
function measureColumns(w: PdfWriter, spec: TableSpec, columnCount: number): ColumnMeasures {
  const pad = 2 * SPACE.cellPadding;
  const floors = Array.from({ length: columnCount }, () => pad);
  const wants = [...floors];
  const measure = (text: string, index: number, head: boolean): number => {
    w.style(cellStyle({ text }, head));
    const word = w.doc.widthOfString(longestWord(text)) + pad;
    wants[index] = Math.max(wants[index], word, w.doc.widthOfString(text) + pad);
    return word;
  };
  for (const row of spec.rows.slice(0, ROWS_SAMPLED)) {
    row.forEach((cell, index) => {
      floors[index] = Math.max(floors[index], measure(cell.text, index, isRowHead(spec, index)));
    });
  }
  const needs = [...floors];
  spec.columns?.forEach((header, index) => {
    const word = measure(header, index, true);
    needs[index] = Math.max(needs[index], word);
    floors[index] = Math.max(floors[index], Math.min(word, HEADER_FLOOR));
  });
  return { needs, wants, floors };
}

function autoWidths(w: PdfWriter, spec: TableSpec, columnCount: number): number[] {
  const { needs, wants, floors } = measureColumns(w, spec, columnCount);
  return columnWidths(needs, wants, w.width, floors);
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
  if (columnCount === 0) {
    // Nothing to tabulate, but the caption still says what is (not) there.
    if (spec.caption) w.paragraph(parent, spec.caption, { font: FONT.bold });
    return;
  }
  const widths = spec.widths ?? autoWidths(w, spec, columnCount);
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
