import { checkDossierInput } from './dossier-input';

describe('checkDossierInput (before any parser sees the bytes)', () => {
  const ok = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<dossier xmlns="x"><a>é</a><!-- note --></dossier>',
  );

  it('lets plain UTF-8 XML through, with or without a BOM', () => {
    expect(checkDossierInput(ok)).toBeNull();
    expect(checkDossierInput(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ok]))).toBeNull();
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'DOSSIER_EMPTY'],
    ['a body over the limit', Buffer.alloc(101, 0x20), 'DOSSIER_TOO_LARGE'],
    ['Latin-1 bytes', Buffer.from('<dossier>caf\xe9</dossier>', 'latin1'), 'DOSSIER_NOT_UTF8'],
    ['UTF-16', Buffer.from('\ufeff<dossier/>', 'utf16le'), 'DOSSIER_NOT_UTF8'],
    [
      'another declared encoding',
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><dossier/>'),
      'DOSSIER_NOT_UTF8',
    ],
    [
      'a DOCTYPE',
      Buffer.from('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><dossier>&x;</dossier>'),
      'DOSSIER_DTD_FORBIDDEN',
    ],
    [
      'an ENTITY declaration anywhere',
      Buffer.from('<dossier><!ENTITY x "y"></dossier>'),
      'DOSSIER_DTD_FORBIDDEN',
    ],
  ])('refuses %s', (_what, bytes, code) => {
    expect(checkDossierInput(bytes, 100)?.code).toBe(code);
  });

  it('names the limit in its message', () => {
    expect(checkDossierInput(Buffer.alloc(101, 0x20), 100)?.message).toMatch(/101 bytes; at most 100/);
  });
});
