import { readFileSync } from 'node:fs';

/** The font names the PDF uses; the files are embedded (and subset), so no reader needs a system font. */
export const FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;
export type FontName = (typeof FONT)[keyof typeof FONT];

let cached: Record<FontName, Buffer> | undefined;

/**
 * The DejaVu Sans files, read once per process: full Latin (ł, ş, ő in names) and resolved through the
 * package, so it works from dist/ as from a plain clone.
 */
export function fontFiles(): Record<FontName, Buffer> {
  cached ??= {
    [FONT.regular]: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    [FONT.bold]: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return cached;
}

export function registerFonts(doc: PDFKit.PDFDocument): void {
  for (const [name, bytes] of Object.entries(fontFiles())) {
    doc.registerFont(name, bytes);
  }
}
