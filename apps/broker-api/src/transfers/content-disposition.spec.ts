import type { ServedFile } from '@app/transfers';
import { contentDisposition } from './rendering.controller';

const HASH = '4e7a1f9c'.padEnd(64, '0');
const served = (fileName: string | null): ServedFile => ({
  mediaType: 'application/pdf',
  bytes: Buffer.alloc(0),
  fileName,
  version: 3,
  versionHash: HASH,
});

describe('contentDisposition', () => {
  it('shows HTML in place and names a PDF by its version only, never by its pupil', () => {
    const html = { kind: 'rendering', format: 'html', choice: { form: 'complete' } } as const;
    const pdf = { ...html, format: 'pdf' } as const;
    expect(contentDisposition(served(null), html)).toBe('inline');
    expect(contentDisposition(served(null), pdf)).toBe('attachment; filename="dossier-v3-4e7a1f9c.pdf"');
  });

  it('keeps an attachment’s own name, RFC 5987-encoded, with an ASCII fallback and no path or quotes', () => {
    const attachment = { kind: 'attachment', number: 2 } as const;
    expect(contentDisposition(served('verslag.pdf'), attachment)).toBe(
      `attachment; filename="verslag.pdf"; filename*=UTF-8''verslag.pdf`,
    );
    expect(contentDisposition(served('../../Gesprek "ouders" (mei).pdf'), attachment)).toBe(
      `attachment; filename="Gesprek _ouders_ (mei).pdf"; filename*=UTF-8''Gesprek%20%22ouders%22%20%28mei%29.pdf`,
    );
    expect(contentDisposition(served('één\r\n.txt'), attachment)).toBe(
      `attachment; filename="__n.txt"; filename*=UTF-8''%C3%A9%C3%A9n.txt`,
    );
    expect(contentDisposition(served(''), attachment)).toBe('attachment; filename="bijlage-2"');
  });
});
