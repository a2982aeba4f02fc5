import { createHash } from 'node:crypto';
import { GENERATABLE_PROFILES, generateDossier } from '@app/oso-dataset';
import { hiddenFieldTexts, visibleFieldTexts } from '../../../../test/support/dossier-fields';
import { screenshotDir } from '../../../../test/support/browser';
import {
  describeOnOfficialExamples,
  officialExample,
  officialExampleByFileName,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { buildRenderedDossier } from '../model/build-rendered-dossier';
import type { RenderedDossier } from '../model/rendered-dossier';
import type { RenderingChoice } from '../rendering-choice';
import { embeddedFileNames } from './pdf-texts';
import { renderPdf } from './render-pdf';
import { PopplerFile, squash } from './testing/poppler';

/**
 * The PDF of real dossiers, read back with Debian's poppler-utils: every field text the dossier must show
 * is in the PDF's text, nothing it must not show is, on official examples and generated dossiers of every
 * profile, in every form.
 */
const COMPLETE: RenderingChoice = { form: 'complete' };
const VERSION_NUMBER = 4;

interface Rendered {
  model: RenderedDossier;
  file: PopplerFile;
  /** The body text without page furniture, whitespace and bidi marks removed. */
  text: string;
}

async function render(xml: string, choice: RenderingChoice = COMPLETE): Promise<Rendered> {
  const bytes = Buffer.from(xml, 'utf8');
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const model = buildRenderedDossier(bytes, { versionNumber: VERSION_NUMBER, contentHash }, choice);
  const file = new PopplerFile(await renderPdf(model));
  return { model, file, text: squash(file.bodyText()) };
}

/** Paths (not values: they may be personal data) of the field texts the PDF lacks. */
function missingPaths(rendered: Rendered, xml: string, choice: RenderingChoice = COMPLETE): string[] {
  return visibleFieldTexts(xml, choice)
    .filter((field) => !rendered.text.includes(squash(field.text)))
    .map((field) => field.path);
}

function shownHiddenPaths(rendered: Rendered, xml: string, choice: RenderingChoice): string[] {
  return hiddenFieldTexts(xml, choice)
    .filter((field) => rendered.text.includes(squash(field.text)))
    .map((field) => field.path);
}

function expectIdentityOnEveryPage(rendered: Rendered): void {
  const pages = rendered.file.pageCount();
  const { contentHash, shortHash } = rendered.model.identity;
  for (let page = 1; page <= pages; page += 1) {
    const pageText = rendered.file.text({ first: page, last: page });
    expect(pageText).toContain(
      `Dossier versie ${VERSION_NUMBER} · kort ${shortHash} · pagina ${page} van ${pages}`,
    );
    expect(pageText).toContain(contentHash);
  }
}

describeOnOfficialExamples('PDF of every official example', () => {
  for (const fileName of officialExampleNames()) {
    it(`${fileName}: every field shown, nothing secret, identity on every page`, async () => {
      const xml = officialExampleByFileName(fileName);
      const rendered = await render(xml);
      try {
        expect(missingPaths(rendered, xml)).toEqual([]);
        expect(shownHiddenPaths(rendered, xml, COMPLETE)).toEqual([]);
        expectIdentityOnEveryPage(rendered);
        expect(rendered.file.attachmentNames()).toEqual(embeddedFileNames(rendered.model.attachments).sort());
        const notSent = rendered.model.sections.filter((section) => section.status === 'not-sent');
        if (fileName.includes('opt_out')) expect(notSent.length).toBeGreaterThan(0);
        for (const section of notSent) expect(rendered.text).toContain(squash(section.notice ?? ''));
        if (notSent.length > 0) expect(rendered.text.toLowerCase()).toContain('nietmeegestuurd');
      } finally {
        rendered.file.remove();
      }
    });
  }

  it('POVO: PNG pages for the eye (pdftoppm), one per page', async () => {
    const rendered = await render(officialExample('OV_POVO_full'));
    try {
      const pages = rendered.file.toPng(screenshotDir('dossier-rendering-pdf'), 'official-POVO', 60);
      expect(pages).toHaveLength(rendered.file.pageCount());
    } finally {
      rendered.file.remove();
    }
  });

  it('POVO, for staff without special categories: no support data, no attachment, said so', async () => {
    const xml = officialExample('OV_POVO_full');
    const choice: RenderingChoice = { form: 'without-special-categories' };
    const rendered = await render(xml, choice);
    try {
      expect(missingPaths(rendered, xml, choice)).toEqual([]);
      expect(shownHiddenPaths(rendered, xml, choice)).toEqual([]);
      expect(rendered.file.attachmentNames()).toEqual([]);
      expect(rendered.text).toContain(squash(rendered.model.formNotice ?? 'a form notice'));
    } finally {
      rendered.file.remove();
    }
  });
});

describe('PDF of generated dossiers of every profile', () => {
  for (const profile of GENERATABLE_PROFILES) {
    it(`${profile}: every field shown, nothing secret`, async () => {
      const xml = generateDossier({
        profile,
        seed: 3,
        secretAddress: profile.endsWith('VO'),
        optOut: true,
      }).xml;
      const rendered = await render(xml);
      try {
        expect(missingPaths(rendered, xml)).toEqual([]);
        expect(shownHiddenPaths(rendered, xml, COMPLETE)).toEqual([]);
      } finally {
        rendered.file.remove();
      }
    });
  }

  it("the inzage copy for one parent leaves out the other parent's contact details", async () => {
    const xml = generateDossier({ profile: 'POVO', seed: 5 }).xml;
    const choice: RenderingChoice = { form: 'for-verzorger', verzorger: 1 };
    expect(hiddenFieldTexts(xml, choice).length).toBeGreaterThan(0);
    const rendered = await render(xml, choice);
    try {
      expect(missingPaths(rendered, xml, choice)).toEqual([]);
      expect(shownHiddenPaths(rendered, xml, choice)).toEqual([]);
    } finally {
      rendered.file.remove();
    }
  });

  it('a generated POVO of about 170 KB: PNG pages, and its attachments embedded', async () => {
    const xml = generateDossier({
      profile: 'POVO',
      seed: 1,
      inzage: { akkoord: 'Nee', remarks: true },
      attachments: { count: 15, bytesEach: 8 * 1024 },
    }).xml;
    const rendered = await render(xml);
    try {
      expect(missingPaths(rendered, xml)).toEqual([]);
      const pages = rendered.file.toPng(screenshotDir('dossier-rendering-pdf'), 'generated-POVO', 60);
      expect(pages).toHaveLength(rendered.file.pageCount());
      expect(rendered.model.attachments).toHaveLength(15);
      const names = embeddedFileNames(rendered.model.attachments);
      expect(rendered.file.attachmentNames()).toEqual([...names].sort());
      names.forEach((name, index) => {
        expect(rendered.file.attachmentContent(name).equals(rendered.model.attachments[index].content)).toBe(
          true,
        );
      });
    } finally {
      rendered.file.remove();
    }
  });
});
