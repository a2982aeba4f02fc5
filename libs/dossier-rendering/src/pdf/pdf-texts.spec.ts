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
});

describe('column widths', () => {
  it('fill the width, give long texts more room and never go below the minimum', () => {
    const widths = columnWidths(
      ['Vak', 'Omschrijving', 'Cijfer'],
      [['NE', 'Een lange omschrijving van het onderdeel', '7']],
      500,
    );
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(500, 6);
    expect(widths[1]).toBeGreaterThan(widths[0]);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(40);
  });

  it('share the width evenly when the page cannot give every column the minimum', () => {
    const widths = columnWidths(
      Array.from({ length: 20 }, () => 'x'),
      [],
      500,
    );
    expect(widths.every((width) => Math.abs(width - 25) < 1e-9)).toBe(true);
  });
});
