import { readFileSync } from 'node:fs';
import { create, type Font } from 'fontkit';

/** The font names the PDF uses; the files are embedded (and subset), so no reader needs a system font. */
export const FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;
export type FontName = (typeof FONT)[keyof typeof FONT];

const FONT_FILES: Record<FontName, string> = {
  [FONT.regular]: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  [FONT.bold]: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
};

let parsed: Record<FontName, Font> | undefined;

/**
 * The DejaVu Sans fonts (full Latin: ł, ş, ő in names), read and parsed once per process: parsing the
 * font tables is most of a small PDF's cost otherwise. Each document still makes its own subset. Resolved
 * through the package, so it works from dist/ as from a plain clone.
 */
export function parsedFonts(): Record<FontName, Font> {
  parsed ??= {
    [FONT.regular]: create(readFileSync(require.resolve(FONT_FILES[FONT.regular]))),
    [FONT.bold]: create(readFileSync(require.resolve(FONT_FILES[FONT.bold]))),
  };
  return parsed;
}

export function registerFonts(doc: PDFKit.PDFDocument): void {
  for (const [name, font] of Object.entries(parsedFonts())) {
    // pdfkit ≥ 0.20 takes a parsed fontkit font; its typings only know file sources.
    doc.registerFont(name, font as unknown as Buffer);
  }
}
