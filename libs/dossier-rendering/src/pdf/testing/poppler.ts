import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's poppler-utils (pdftotext, pdfinfo, pdfdetach, pdffonts, pdftoppm) run on a PDF, as a reader's
 * tools would: real tools, no mocks. A missing tool fails with what to install.
 */
export class PopplerFile {
  private readonly dir = mkdtempSync(join(tmpdir(), 'dossier-pdf-'));
  readonly path = join(this.dir, 'dossier.pdf');

  constructor(pdf: Buffer) {
    writeFileSync(this.path, pdf);
  }

  /** The text in content-stream order (`-raw`), optionally of pages `first`..`last`. */
  text(pages?: { first: number; last: number }): string {
    const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
    return run('pdftotext', ['-raw', '-enc', 'UTF-8', ...range, this.path, '-']);
  }

  /** The text without the identity lines of each page, which fall between the lines of a flowing value. */
  bodyText(): string {
    return this.text()
      .split('\n')
      .filter((line) => !PAGE_FURNITURE.test(line))
      .join('\n');
  }

  layoutText(): string {
    return run('pdftotext', ['-layout', '-enc', 'UTF-8', this.path, '-']);
  }

  info(): Record<string, string> {
    const entries = run('pdfinfo', [this.path])
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]] as const);
    return Object.fromEntries(entries);
  }

  pageCount(): number {
    return Number(this.info().Pages);
  }

  /** The names `pdfdetach -list` gives, in its order: sorted by name (a PDF name tree is sorted). */
  attachmentNames(): string[] {
    return run('pdfdetach', ['-list', '-enc', 'UTF-8', this.path])
      .split('\n')
      .map((line) => /^\d+: (.*)$/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
  }

  /** The content of the embedded file of that name. */
  attachmentContent(name: string): Buffer {
    const number = this.attachmentNames().indexOf(name) + 1;
    if (number === 0) throw new Error(`no embedded file named ${name}`);
    const out = join(this.dir, `attachment-${number}`);
    run('pdfdetach', ['-save', String(number), '-o', out, this.path]);
    return readFileSync(out);
  }

  /** `pdffonts` rows: name and whether the font is embedded. */
  fonts(): { name: string; embedded: boolean }[] {
    return run('pdffonts', [this.path])
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const columns = line.trim().split(/\s+/);
        // name … emb sub uni object ID: "emb" is the fifth column from the end.
        return { name: columns[0], embedded: columns[columns.length - 5] === 'yes' };
      });
  }

  /** PNG pages (`pdftoppm -r DPI -png`) written into `dir` as `<prefix>-N.png`; returns their file names. */
  toPng(dir: string, prefix: string, dpi: number): string[] {
    for (const name of readdirSync(dir).filter((file) => file.startsWith(`${prefix}-`))) {
      rmSync(join(dir, name));
    }
    run('pdftoppm', ['-r', String(dpi), '-png', this.path, join(dir, prefix)]);
    return readdirSync(dir).filter((name) => name.startsWith(`${prefix}-`) && name.endsWith('.png'));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PAGE_FURNITURE = /^(Dossier .* · pagina \d+ van \d+|Inhoud-hash \(SHA-256\): [0-9a-f]{64})$/;

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} not found: install Debian's poppler-utils (apt-get install poppler-utils).`);
    }
    throw error;
  }
}

/**
 * All whitespace removed (values may wrap anywhere in a cell, even inside a long word), and the bidi
 * controls pdftotext puts around right-to-left runs (or the text held: U+200E/F marks).
 */
export function squash(text: string): string {
  return text.replace(/[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, '');
}
