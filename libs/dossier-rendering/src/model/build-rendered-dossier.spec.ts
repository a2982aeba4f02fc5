import { GENERATABLE_PROFILES, generateDossier } from '@app/oso-dataset';
import { readFileSync } from 'node:fs';
import { hiddenFieldTexts, normalizeText, visibleFieldTexts } from '../../../../test/support/dossier-fields';
import {
  describeOnOfficialExamples,
  officialExampleFiles,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { type RenderingChoice, SHORT_HASH_LENGTH } from '../rendering-choice';
import { RenderingError } from '../rendering-error';
import { CATEGORY_ORDER } from '../vocabulary';
import { buildRenderedDossier } from './build-rendered-dossier';
import type { RenderedBlock, RenderedDossier } from './rendered-dossier';
import { dossierXml, documentXml } from './testing/dossier-xml';
import { modelTexts, modelValues } from './testing/model-texts';

const IDENTITY = { versionNumber: 4, contentHash: 'c0ffee'.repeat(10) + 'abcd' };
const COMPLETE: RenderingChoice = { form: 'complete' };
const WITHOUT_SPECIAL: RenderingChoice = { form: 'without-special-categories' };

function build(bytes: Buffer, choice: RenderingChoice = COMPLETE): RenderedDossier {
  return buildRenderedDossier(bytes, IDENTITY, choice);
}

/** The forms a dossier can be rendered in: complete, without special categories, one per verzorger. */
function formsOf(xml: Buffer): RenderingChoice[] {
  const verzorgers = xml.toString('utf8').split('<verzorger>').length - 1;
  const forms: RenderingChoice[] = [COMPLETE, WITHOUT_SPECIAL];
  for (let verzorger = 1; verzorger <= verzorgers; verzorger++)
    forms.push({ form: 'for-verzorger', verzorger });
  return forms;
}

/** Every visible field text is a value of the model; no hidden text is anywhere in it. */
function expectFaithful(xml: Buffer, choice: RenderingChoice): void {
  const model = build(xml, choice);
  const values = modelValues(model);
  const missing = visibleFieldTexts(xml, choice).filter((field) => !values.has(field.text));
  expect(missing).toEqual([]);
  const everything = normalizeText(modelTexts(model).join('\n'));
  const leaked = hiddenFieldTexts(xml, choice).filter((field) => everything.includes(field.text));
  expect(leaked).toEqual([]);
}

function allBlocks(blocks: readonly RenderedBlock[]): RenderedBlock[] {
  return blocks.flatMap((block) => (block.kind === 'group' ? [block, ...allBlocks(block.blocks)] : [block]));
}

describeOnOfficialExamples('the model of every official example', () => {
  it.each(officialExampleNames().map((name, index) => [name, officialExampleFiles()[index]]))(
    '%s: every field in every form, nothing hidden',
    (_name, file) => {
      const xml = readFileSync(file);
      for (const choice of formsOf(xml)) expectFaithful(xml, choice);
    },
  );

  it('says "niet meegestuurd" for each opted-out or forbidden category, as its table says', () => {
    for (const file of officialExampleFiles()) {
      const xml = readFileSync(file);
      const text = xml.toString('utf8');
      for (const section of build(xml).sections) {
        const delivery = new RegExp(`<${section.category}>([^<]*)<`).exec(text)?.[1];
        expect(section.delivery).toBe(delivery);
        const notSent = delivery === 'OPT-UIT' || delivery === 'VERBODEN';
        expect(section.status === 'not-sent').toBe(notSent);
        if (notSent) expect(section.notice).toContain('niet meegestuurd');
      }
    }
  });
});

describe('the model of generated dossiers', () => {
  it.each(GENERATABLE_PROFILES.map((profile) => [profile]))(
    '%s: every field in every form, nothing hidden',
    (profile) => {
      for (const recipe of [
        { profile, inzage: { akkoord: 'Nee' as const, remarks: true } },
        { profile, seed: 2, optOut: true, secretAddress: true },
      ]) {
        const xml = Buffer.from(generateDossier(recipe).xml, 'utf8');
        for (const choice of formsOf(xml)) expectFaithful(xml, choice);
      }
    },
  );
});

describe('buildRenderedDossier', () => {
  it('gives the identity with the short hash, one section per category in the standard order', () => {
    const model = build(dossierXml({}));
    expect(model.identity).toEqual({
      ...IDENTITY,
      shortHash: IDENTITY.contentHash.slice(0, SHORT_HASH_LENGTH),
    });
    expect(model.sections.map((section) => section.category)).toEqual([...CATEGORY_ORDER]);
    expect(model.title).toBe('Overstapdossier');
    expect(model.subtitle).toBe('Noor Prins · De Spechtschool');
  });

  it('marks not-sent and empty categories with a notice and shows no blocks for them', () => {
    const model = build(dossierXml({ delivery: { cat_verzuim: 'OPT-UIT', cat_vombo: 'VERBODEN' } }));
    const byCategory = new Map(model.sections.map((section) => [section.category, section]));
    expect(byCategory.get('cat_verzuim')).toMatchObject({
      status: 'not-sent',
      delivery: 'OPT-UIT',
      blocks: [],
    });
    expect(byCategory.get('cat_vombo')).toMatchObject({ status: 'not-sent', delivery: 'VERBODEN' });
    expect(byCategory.get('cat_verzuim')!.notice).toContain('niet meegestuurd');
    expect(byCategory.get('cat_toetsresultaten')).toMatchObject({ status: 'empty', blocks: [] });
    expect(byCategory.get('cat_toetsresultaten')!.notice).toBeTruthy();
    expect(byCategory.get('cat_leerling')!.status).toBe('shown');
  });

  it('formats dates, booleans and keeps other text as it is (trimmed)', () => {
    const model = build(
      dossierXml({
        pupil:
          '<voornaam>  Noor </voornaam><achternaam>Prins</achternaam><geboortedatum>2003-03-17</geboortedatum>' +
          '<adresgeheim>0</adresgeheim><tehuis>true</tehuis><leerlingid>2003-03-17</leerlingid>',
      }),
    );
    const fields = Object.fromEntries(
      allBlocks(model.sections.find((section) => section.category === 'cat_leerling')!.blocks)
        .flatMap((block) => (block.kind === 'fields' ? block.fields : []))
        .map((field) => [field.path, field.value.text]),
    );
    expect(fields).toMatchObject({
      '/dossier/huidigeschool/leerling/voornaam': 'Noor',
      '/dossier/huidigeschool/leerling/geboortedatum': '17-03-2003',
      '/dossier/huidigeschool/leerling/adresgeheim': 'nee',
      '/dossier/huidigeschool/leerling/tehuis': 'ja',
      // Not a date in the schema: as it stands.
      '/dossier/huidigeschool/leerling/leerlingid': '2003-03-17',
    });
  });

  it('masks a secret number and every address of a person with a secret address, never holding them', () => {
    const xml = dossierXml({
      pupil:
        '<voornaam>Noor</voornaam><achternaam>Prins</achternaam><adresgeheim>true</adresgeheim>' +
        '<adreslijst><adres><soortadres>bezoek</soortadres><straat>Geheimstraat</straat><nummer>7</nummer>' +
        '<postcode>1234AB</postcode><plaats>Verweg</plaats></adres></adreslijst>' +
        '<communicatielijst><communicatie><soort>telefoon</soort><nummer>0612345678</nummer>' +
        '<geheim>true</geheim></communicatie><communicatie><soort>telefoon</soort><nummer>0201111111</nummer>' +
        '<geheim>false</geheim></communicatie></communicatielijst>' +
        '<adresbuitenland>Rue Cachée 9</adresbuitenland>' +
        '<verzorger><achternaam>Prins</achternaam><adresgeheim>false</adresgeheim><adreslijst><adres>' +
        '<soortadres>bezoek</soortadres><straat>Open Laan</straat><nummer>1</nummer><postcode>9999ZZ</postcode>' +
        '<plaats>Dichtbij</plaats></adres></adreslijst></verzorger>',
    });
    const serialised = JSON.stringify(build(xml));
    for (const secret of ['Geheimstraat', '1234AB', 'Verweg', '0612345678', 'Rue Cachée']) {
      expect(serialised).not.toContain(secret);
    }
    for (const shown of ['0201111111', 'Open Laan', '9999ZZ']) expect(serialised).toContain(shown);
    expect(serialised.match(/"masked":"secret"/g)).toHaveLength(3);
  });

  it('loses nothing: an element no category claims shows in the section of its parent', () => {
    const model = build(
      dossierXml({
        pupil:
          '<voornaam>Noor</voornaam><achternaam>Prins</achternaam><nieuwveld>Eigen waarde</nieuwveld>' +
          '<onderwijsondersteuning><nieuwblok><deel>Onder de ondersteuning</deel></nieuwblok>' +
          '</onderwijsondersteuning>',
      }),
    );
    const texts = (category: string) =>
      JSON.stringify(model.sections.find((section) => section.category === category)!.blocks);
    expect(texts('cat_leerling')).toContain('Eigen waarde');
    expect(texts('cat_onderwijsondersteuning')).toContain('Onder de ondersteuning');
  });

  it('keeps hostile text as data for the renderer to escape', () => {
    const model = build(dossierXml({ schoolName: '&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co' }));
    expect(model.subtitle).toBe('Noor Prins · <script>alert(1)</script> & Co');
  });

  it('shows the zienswijze with every field and the parents’ remarks', () => {
    const model = build(
      dossierXml({
        inzage:
          '<inzage><voorlopigdossier>false</voorlopigdossier><inzage>true</inzage>' +
          '<inzagedatum>2024-05-01</inzagedatum><akkoord>Nee</akkoord>' +
          '<redennietakkoord>Het advies is te laag.</redennietakkoord></inzage>',
      }),
    );
    expect(model.zienswijze!.remarks).toBe('Het advies is te laag.');
    expect(model.zienswijze!.fields.map((field) => field.value.text)).toEqual([
      'nee',
      'ja',
      '01-05-2024',
      'Nee',
      'Het advies is te laag.',
    ]);
    expect(model.sections.find((section) => section.category === 'cat_ouderinzage')!.status).toBe('shown');
  });
});

describe('the forms', () => {
  const pupil =
    '<voornaam>Noor</voornaam><achternaam>Prins</achternaam>' +
    '<onderwijsondersteuning><diagnose><code>F90.0</code><naam>Diagnose X</naam>' +
    documentXml('dyslexieverklaring.pdf', Buffer.from('%PDF-1.4 spec')) +
    '</diagnose><handelingsplan><startdatum>2024-01-01</startdatum><isgerichtop>Rekenplan Y</isgerichtop>' +
    '</handelingsplan></onderwijsondersteuning>' +
    `<overigdocumentlijst>${documentXml('groepsplan.txt', Buffer.from('tekst'))}</overigdocumentlijst>` +
    '<verzorger><voornaam>Anna</voornaam><achternaam>Prins</achternaam><adreslijst><adres>' +
    '<soortadres>bezoek</soortadres><straat>Annastraat</straat><nummer>1</nummer><postcode>1111AA</postcode>' +
    '<plaats>Aadorp</plaats></adres></adreslijst><communicatielijst><communicatie><soort>e-mail</soort>' +
    '<nummer>anna@example.org</nummer></communicatie></communicatielijst></verzorger>' +
    '<verzorger><voornaam>Bert</voornaam><achternaam>Bos</achternaam><adreslijst><adres>' +
    '<soortadres>bezoek</soortadres><straat>Bertweg</straat><nummer>2</nummer><postcode>2222BB</postcode>' +
    '<plaats>Bergen</plaats></adres></adreslijst><communicatielijst><communicatie><soort>e-mail</soort>' +
    '<nummer>bert@example.org</nummer></communicatie></communicatielijst></verzorger>';
  const xml = dossierXml({ pupil });

  it('complete: both attachments numbered in document order, the special categories shown', () => {
    const model = build(xml);
    expect(model.formNotice).toBeNull();
    expect(model.attachments.map((attachment) => [attachment.number, attachment.fileName])).toEqual([
      [1, 'dyslexieverklaring.pdf'],
      [2, 'groepsplan.txt'],
    ]);
    const statuses = Object.fromEntries(model.sections.map((section) => [section.category, section.status]));
    expect(statuses).toMatchObject({ cat_onderwijsondersteuning: 'shown', cat_handelingsplannen: 'shown' });
  });

  it('without special categories: those sections and every attachment left out, file names too', () => {
    const model = build(xml, WITHOUT_SPECIAL);
    expect(model.formNotice).toContain('bijlagen');
    expect(model.attachments).toEqual([]);
    for (const category of ['cat_onderwijsondersteuning', 'cat_handelingsplannen']) {
      expect(model.sections.find((section) => section.category === category)).toMatchObject({
        status: 'left-out',
        blocks: [],
      });
    }
    const serialised = JSON.stringify(model);
    for (const hidden of [
      'dyslexieverklaring',
      'groepsplan',
      'Diagnose X',
      'F90.0',
      'Rekenplan Y',
      'Omschrijving',
    ]) {
      expect(serialised).not.toContain(hidden);
    }
    const attachmentsSection = model.sections.find((section) => section.category === 'cat_bijlagedocs')!;
    expect(attachmentsSection.blocks).toEqual([
      expect.objectContaining({ kind: 'notice', tone: 'left-out' }),
    ]);
  });

  it('for one verzorger: the others’ addresses and contact details left out, their names kept', () => {
    const model = build(xml, { form: 'for-verzorger', verzorger: 2 });
    expect(model.formNotice).toContain('verzorger 2');
    const serialised = JSON.stringify(model);
    for (const hidden of ['Annastraat', '1111AA', 'anna@example.org'])
      expect(serialised).not.toContain(hidden);
    for (const shown of ['Anna', 'Bertweg', '2222BB', 'bert@example.org', 'dyslexieverklaring.pdf']) {
      expect(serialised).toContain(shown);
    }
    const parents = model.sections.find((section) => section.category === 'cat_oudersverzorgers')!;
    const notices = allBlocks(parents.blocks).filter((block) => block.kind === 'notice');
    expect(notices).toEqual([expect.objectContaining({ tone: 'left-out' })]);
  });

  it.each([[0], [3], [1.5]])(
    'for verzorger %s, whom the dossier lacks: a RenderingError without personal data',
    (verzorger) => {
      const attempt = () => build(xml, { form: 'for-verzorger', verzorger });
      expect(attempt).toThrow(RenderingError);
      try {
        attempt();
      } catch (error) {
        expect((error as RenderingError).code).toBe('VERZORGER_NOT_IN_DOSSIER');
        expect((error as Error).message).not.toMatch(/Anna|Bert|Prins|Bos/);
      }
    },
  );
});
