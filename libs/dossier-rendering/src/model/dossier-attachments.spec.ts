import { dossierAttachment, dossierAttachments } from './dossier-attachments';
import { OCTET_STREAM, PLAIN_TEXT, sniffMediaType } from './media-type';
import { dossierXml, documentXml } from './testing/dossier-xml';

const bytes = (...values: number[]) => Buffer.from(values);
const zipWith = (...names: string[]) =>
  Buffer.concat([
    bytes(0x50, 0x4b, 0x03, 0x04, 20, 0),
    ...names.map((name) => Buffer.from(`${name}\0\0`, 'latin1')),
  ]);

describe('sniffMediaType', () => {
  it.each([
    ['pdf', Buffer.from('%PDF-1.7\n...'), 'application/pdf'],
    ['png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), 'image/png'],
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0), 'image/jpeg'],
    ['gif', Buffer.from('GIF89a....'), 'image/gif'],
    ['doc', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0), 'application/msword'],
    ['rtf', Buffer.from('{\\rtf1\\ansi hallo}'), 'application/rtf'],
    [
      'docx',
      zipWith('[Content_Types].xml', 'word/document.xml'),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'xlsx',
      zipWith('[Content_Types].xml', 'xl/workbook.xml'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    ['zip', zipWith('verslag.txt'), 'application/zip'],
    ['utf-8 text', Buffer.from('Verslag: één regel\r\nnog één\tregel'), PLAIN_TEXT],
    ['binary', bytes(0x00, 0x01, 0x02, 0x41), OCTET_STREAM],
    ['broken utf-8', bytes(0x41, 0xc3, 0x28), OCTET_STREAM],
    ['empty', Buffer.alloc(0), OCTET_STREAM],
  ])('%s', (_kind, content, mediaType) => {
    expect(sniffMediaType(content)).toBe(mediaType);
  });
});

describe('dossierAttachments', () => {
  it('lists every document in document order, judged by its bytes, not its name', () => {
    const pdf = Buffer.from('%PDF-1.4 spec');
    const xml = dossierXml({
      pupil:
        '<voornaam>Noor</voornaam><achternaam>Prins</achternaam>' +
        `<onderwijsondersteuning><diagnose><code>X</code>${documentXml('a.txt', pdf)}</diagnose>` +
        '</onderwijsondersteuning>' +
        `<overigdocumentlijst>${documentXml('b.pdf', Buffer.from('gewoon tekst'))}</overigdocumentlijst>`,
    });
    const attachments = dossierAttachments(xml);
    expect(
      attachments.map(({ number, fileName, mediaType, byteLength }) => [
        number,
        fileName,
        mediaType,
        byteLength,
      ]),
    ).toEqual([
      [1, 'a.txt', 'application/pdf', pdf.length],
      [2, 'b.pdf', PLAIN_TEXT, 12],
    ]);
    expect(attachments[0].content.equals(pdf)).toBe(true);
    expect(attachments[0].description).toBe('Omschrijving van a.txt');
    expect(attachments[0].path).toBe(
      '/dossier/huidigeschool/leerling/onderwijsondersteuning/diagnose/document',
    );
  });

  it('takes base64 wrapped over lines as it is meant', () => {
    const pdf = Buffer.from('%PDF-1.4 a somewhat longer spec document');
    const wrapped = pdf.toString('base64').replace(/(.{16})/g, '$1\n  ');
    const [attachment] = dossierAttachments(
      dossierXml({ pupil: `<overigdocumentlijst>${documentXml('w', null, wrapped)}</overigdocumentlijst>` }),
    );
    expect(attachment.mediaType).toBe('application/pdf');
    expect(attachment.content.equals(pdf)).toBe(true);
  });

  it('lists base64 that does not decode cleanly as octet-stream, with the size of what decodes', () => {
    const broken = `${Buffer.from('%PDF-1.4 spec').toString('base64')}!!*`;
    const [attachment] = dossierAttachments(
      dossierXml({
        pupil: `<overigdocumentlijst>${documentXml('kapot.pdf', null, broken)}</overigdocumentlijst>`,
      }),
    );
    expect(attachment.mediaType).toBe(OCTET_STREAM);
    expect(attachment.byteLength).toBe(Buffer.from(broken, 'base64').length);
    expect(attachment.byteLength).toBeGreaterThan(0);
  });
});

describe('dossierAttachment', () => {
  it('gives the attachment at a number exactly as the list has it, and null past either end', () => {
    const xml = dossierXml({
      pupil:
        '<overigdocumentlijst>' +
        documentXml('een.pdf', Buffer.from('%PDF-1.4 een')) +
        documentXml('twee.txt', Buffer.from('twee')) +
        '</overigdocumentlijst>',
    });
    const all = dossierAttachments(xml);
    expect(all).toHaveLength(2);
    expect(dossierAttachment(xml, 1)).toEqual(all[0]);
    expect(dossierAttachment(xml, 2)).toEqual(all[1]);
    expect(dossierAttachment(xml, 0)).toBeNull();
    expect(dossierAttachment(xml, 3)).toBeNull();
  });
});
