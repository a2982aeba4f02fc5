import { attachment } from './testing/hand-made-model';
import { embeddedFileNames, formatByteLength, identityLines, identityText, valueText } from './pdf-texts';
import { columnWidths } from './tables';

const HASH = 'ab'.repeat(32);

describe('PDF texts', () => {
  it('puts the meaning of a code next to the code, and nothing after an uncoded value', () => {
    expect(valueText({ text: '40', meaning: 'vwo' })).toBe('40 — vwo');
    expect(valueText({ text: 'Jansen' })).toBe('Jansen');
  });

  it('gives sizes in bytes, kB and MB with a Dutch decimal comma', () => {
    expect(formatByteLength(512)).toBe('512 bytes');
    expect(formatByteLength(1536)).toBe('1,5 kB');
    expect(formatByteLength(3 * 1024 * 1024)).toBe('3,0 MB');
  });

  it('names the version, both hashes and the page on every page', () => {
    const lines = identityLines({ versionNumber: 7, contentHash: HASH, shortHash: 'abababab' }, 2, 5);
    expect(lines.first).toBe('Dossier versie 7 · kort abababab · pagina 2 van 5');
    expect(lines.second).toContain(HASH);
  });

  it('says a rendering made offline is not a broker version', () => {
    const identity = { versionNumber: null, contentHash: HASH, shortHash: 'abababab' };
    expect(identityLines(identity, 1, 1).first).toContain('lokaal, niet via de broker');
    expect(identityText(identity)).toContain('lokaal, niet via de broker');
    expect(identityText(identity)).toContain(HASH);
  });

  it('keeps attachment names, numbering only names that occur twice (the PDF keys files by name)', () => {
    const names = embeddedFileNames([
      attachment(1, 'a.pdf', 'x'),
      attachment(2, 'b.pdf', 'y'),
      attachment(3, 'a.pdf', 'z'),
      attachment(4, ' ', 'w'),
    ]);
    expect(names).toEqual(['1-a.pdf', 'b.pdf', '3-a.pdf', 'bijlage-4']);
  });

  it('embeds a file under its own name only: no folder part, no control characters', () => {
    const names = embeddedFileNames([
      attachment(1, '../../etc/passwd', 'x'),
      attachment(2, 'C:\\Windows\\evil\u0007.exe', 'y'),
      attachment(3, 'map/..', 'z'),
    ]);
    expect(names).toEqual(['passwd', 'evil.exe', 'bijlage-3']);
  });
});

describe('column widths', () => {
  it('fill the width in proportion to what the texts want when everything fits on one line', () => {
    expect(columnWidths([20, 20], [50, 150], 400)).toEqual([100, 300]);
  });

  it('give every column its longest word, and the rest to the columns that want more', () => {
    const widths = columnWidths([60, 40, 30], [60, 400, 30], 300);
    expect(widths[0]).toBe(60);
    expect(widths[2]).toBe(30);
    expect(widths[1]).toBeCloseTo(210, 9);
  });

  it('let header words break rather than the data when not all words fit', () => {
    const widths = columnWidths([100, 100], [100, 120], 150, [50, 60]);
    expect(widths[0]).toBeGreaterThanOrEqual(50);
    expect(widths[1]).toBeGreaterThanOrEqual(60);
    expect(widths[0] + widths[1]).toBeCloseTo(150, 9);
  });

  it('keep narrower columns whole when even the data does not fit, capping only the widest', () => {
    const widths = columnWidths([30, 50, 300, 200], [30, 50, 300, 200], 300);
    expect(widths).toEqual([30, 50, 110, 110]);
  });

  it('share the width evenly when every column is wider than its share', () => {
    expect(columnWidths([300, 100], [300, 100], 90)).toEqual([45, 45]);
  });
});
