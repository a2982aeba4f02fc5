import { renderPdf } from './render-pdf';
import { embeddedFileNames } from './pdf-texts';
import { HOSTILE, handMadeModel } from './testing/hand-made-model';
import { modelTexts } from './testing/model-texts';
import { PopplerFile, squash } from './testing/poppler';

/** The PDF of a hand-made model with every block kind, read back with Debian's poppler-utils. */
describe('renderPdf on a hand-made model', () => {
  const model = handMadeModel({ repeat: 40 });
  let file: PopplerFile;
  let text: string;

  beforeAll(async () => {
    file = new PopplerFile(await renderPdf(model));
    text = squash(file.bodyText());
  });
  afterAll(() => file.remove());

  it('gives back every text of the model: every block kind, status and notice', () => {
    const missing = modelTexts(model).filter((entry) => !text.includes(squash(entry.text)));
    expect(missing).toEqual([]);
  });

  it('spans several pages and names the version, both hashes and the page on every one', () => {
    const pages = file.pageCount();
    expect(pages).toBeGreaterThan(1);
    for (let page = 1; page <= pages; page += 1) {
      const pageText = file.text({ first: page, last: page });
      expect(pageText).toContain(
        `Dossier versie 3 · kort ${model.identity.shortHash} · pagina ${page} van ${pages}`,
      );
      expect(pageText).toContain(model.identity.contentHash);
    }
  });

  it('repeats the header row of a table on the pages it continues on', () => {
    const pages = file.pageCount();
    const withHeader = Array.from({ length: pages }, (_, index) =>
      file.text({ first: index + 1, last: index + 1 }),
    ).filter((pageText) => /^Vak Cijfer Datum$/m.test(pageText));
    // The grades table runs from page 1 onwards: every page it is on starts with its header row.
    expect(withHeader.length).toBeGreaterThan(2);
  });

  it('keeps hostile text as text: markup literally, long words wrapped, letters outside ASCII', () => {
    const raw = file.text();
    expect(raw).toContain(HOSTILE.markup);
    expect(raw).toContain(HOSTILE.diacritics);
    expect(text).toContain(squash(HOSTILE.longWord));
    expect(raw).toContain('علي');
  });

  it('embeds every attachment under its own name, with its exact bytes', () => {
    const names = embeddedFileNames(model.attachments);
    expect(file.attachmentNames()).toEqual([...names].sort());
    model.attachments.forEach((attachment, index) => {
      expect(file.attachmentContent(names[index]).equals(attachment.content)).toBe(true);
    });
  });

  it('is tagged, in Dutch, with every font embedded and no pupil name in its metadata', () => {
    const info = file.info();
    expect(info.Tagged).toBe('yes');
    expect(info.Title).toBe(model.title);
    expect(info['Page size']).toContain('(A4)');
    expect(JSON.stringify(info)).not.toContain('Łukasz');
    const fonts = file.fonts();
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((font) => !font.embedded)).toEqual([]);
  });
});

describe('renderPdf with a value longer than a page', () => {
  it('lets the value flow over the pages instead of cutting it off', async () => {
    const model = handMadeModel();
    const longText = Array.from({ length: 1500 }, (_, index) => `woord${index}`).join(' ');
    const block = model.sections[0].blocks[0];
    if (block.kind !== 'fields') throw new Error('the hand-made model starts with fields');
    block.fields.push({
      label: 'Toelichting',
      value: { text: longText },
      path: '/dossier/leerling/toelichting',
    });
    const file = new PopplerFile(await renderPdf(model));
    try {
      // Not toContain: a failure would print both texts, pages long.
      expect(squash(file.bodyText()).includes(squash(longText))).toBe(true);
      expect(file.pageCount()).toBeGreaterThan(2);
    } finally {
      file.remove();
    }
  });
});

describe('renderPdf offline (the CLI)', () => {
  it('says on every page that the rendering is local, not a broker version', async () => {
    const file = new PopplerFile(await renderPdf(handMadeModel({ repeat: 12, versionNumber: null })));
    try {
      const pages = file.pageCount();
      expect(pages).toBeGreaterThan(1);
      for (let page = 1; page <= pages; page += 1) {
        expect(file.text({ first: page, last: page })).toContain(`Dossier lokaal, niet via de broker · kort`);
      }
    } finally {
      file.remove();
    }
  });
});
