import { GENERATABLE_PROFILES, generateDossier } from '@app/oso-dataset';
import { readFileSync } from 'node:fs';
import { hiddenFieldTexts, normalizeText, visibleFieldTexts } from '../../../../test/support/dossier-fields';
import {
  describeOnOfficialExamples,
  officialExampleFiles,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { type VersionIdentity, buildRenderedDossier } from '../model/build-rendered-dossier';
import { dossierXml, documentXml } from '../model/testing/dossier-xml';
import type { RenderingChoice } from '../rendering-choice';
import { renderHtml } from './render-html';

const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const IDENTITY: VersionIdentity = { versionNumber: 7, contentHash: HASH };

function html(xml: Buffer, choice: RenderingChoice = { form: 'complete' }, identity = IDENTITY): string {
  return renderHtml(buildRenderedDossier(xml, identity, choice));
}

/** What a reader sees: the text without tags, styles and attributes, entities decoded, whitespace normalised. */
function textContent(page: string): string {
  const text = page
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return normalizeText(text);
}

function formsOf(xml: Buffer): RenderingChoice[] {
  const verzorgers = xml.toString('utf8').split('<verzorger>').length - 1;
  const forms: RenderingChoice[] = [{ form: 'complete' }, { form: 'without-special-categories' }];
  for (let verzorger = 1; verzorger <= verzorgers; verzorger++)
    forms.push({ form: 'for-verzorger', verzorger });
  return forms;
}

/** Every visible field's text is on the page, no hidden one is, in every form; the identity is on it. */
function expectCoverage(xml: Buffer): void {
  for (const choice of formsOf(xml)) {
    const page = html(xml, choice);
    const text = textContent(page);
    expect(visibleFieldTexts(xml, choice).filter((field) => !text.includes(field.text))).toEqual([]);
    const hidden = hiddenFieldTexts(xml, choice);
    expect(hidden.filter((field) => text.includes(field.text))).toEqual([]);
    // Without attachments, not even their bytes are in the file.
    if (choice.form === 'without-special-categories') {
      expect(hidden.filter((field) => page.includes(field.text))).toEqual([]);
      expect(page).not.toContain(';base64,');
    }
    expect(text).toContain(HASH);
    expect(text).toContain(HASH.slice(0, 8));
  }
}

describeOnOfficialExamples('the HTML of every official example', () => {
  it.each(officialExampleNames().map((name, index) => [name, officialExampleFiles()[index]]))(
    '%s: every field, nothing hidden, in every form',
    (_name, file) => expectCoverage(readFileSync(file)),
  );

  it('says "niet meegestuurd" for the opted-out and forbidden categories of the opt-out examples', () => {
    const optOuts = officialExampleFiles().filter((file) => file.endsWith('_opt_out.xml'));
    expect(optOuts.length).toBeGreaterThan(0);
    for (const file of optOuts) {
      const xml = readFileSync(file);
      const notSent = (xml.toString('utf8').match(/>(OPT-UIT|VERBODEN)</g) ?? []).length;
      const sections = html(xml).split('<section id="cat_').slice(1);
      // The section's own notice, not a code meaning in the metadata's table.
      const saysNotSent = /<p class="notice notice-not-sent">[^<]*niet meegestuurd/;
      expect(sections.filter((section) => saysNotSent.test(section))).toHaveLength(notSent);
    }
  });
});

describe('the HTML of generated dossiers', () => {
  it.each(GENERATABLE_PROFILES.map((profile) => [profile]))('%s: every field, nothing hidden', (profile) => {
    expectCoverage(Buffer.from(generateDossier({ profile, inzage: { akkoord: 'Nee', remarks: true } }).xml));
    expectCoverage(Buffer.from(generateDossier({ profile, seed: 3, optOut: true, secretAddress: true }).xml));
  });
});

describe('renderHtml', () => {
  const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;';
  const escapedInXml = hostile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  it('escapes every text: a hostile value is shown as text, never as markup', () => {
    const xml = dossierXml({
      schoolName: escapedInXml,
      pupil:
        `<voornaam>${escapedInXml}</voornaam><achternaam>Prins</achternaam>` +
        `<overigdocumentlijst>${documentXml(escapedInXml, Buffer.from('tekst'))}</overigdocumentlijst>`,
    });
    const page = html(xml);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(textContent(page)).toContain(hostile);
  });

  it('is one Dutch page without any external resource or script', () => {
    const page = html(dossierXml({ schoolName: 'https://school.example' }));
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="nl">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    // Links point inside the page or are the attachments' own bytes.
    expect(page.match(/\b(href|src)="(?!#|data:)/g)).toBeNull();
  });

  it('shows the version, the full and the short hash; "lokaal, niet via de broker" without a version', () => {
    expect(textContent(html(dossierXml({})))).toContain(`Dossierversie: 7 · Korte hash: ${HASH.slice(0, 8)}`);
    const offline = textContent(
      html(dossierXml({}), { form: 'complete' }, { versionNumber: null, contentHash: HASH }),
    );
    expect(offline).toContain('Dossierversie: lokaal, niet via de broker');
    expect(offline).toContain(HASH);
  });

  it('gives the print margins of every page the identity', () => {
    const page = html(dossierXml({}));
    expect(page).toContain('@page');
    expect(page).toContain(`@top-left { content: "Dossierversie 7 \\b7  korte hash 9f86d081"`);
    expect(page).toContain(`@bottom-left { content: "Inhoudshash \\28 SHA\\2d 256\\29 \\3a  ${HASH}"`);
  });

  it('uses headings in order, tables with captions and column headers', () => {
    const page = html(Buffer.from(generateDossier({ profile: 'POVO', seed: 5 }).xml));
    const levels = [...page.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));
    expect(levels[0]).toBe(1);
    levels.forEach((level, index) => index > 0 && expect(level).toBeLessThanOrEqual(levels[index - 1] + 1));
    const tables = page.split('<table').slice(1);
    expect(tables.length).toBeGreaterThan(3);
    for (const table of tables) {
      expect(table).toMatch(/^[^>]*><caption>/);
      expect(table).toContain('<th scope="col">');
    }
  });

  it('puts the zienswijze first, the parents’ words quoted', () => {
    const page = html(
      dossierXml({
        inzage:
          '<inzage><voorlopigdossier>false</voorlopigdossier><akkoord>Nee</akkoord>' +
          '<redennietakkoord>Het advies is te laag.</redennietakkoord></inzage>',
      }),
    );
    expect(page.indexOf('class="zienswijze"')).toBeLessThan(page.indexOf('<section id="cat_metadata"'));
    expect(page).toContain('<blockquote><p>Het advies is te laag.</p></blockquote>');
  });

  it('offers each attachment for download on its own, running nothing a browser might execute', () => {
    const docx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.from('[Content_Types].xml word/x'),
    ]);
    const pdf = Buffer.from('%PDF-1.4 spec');
    const page = html(
      dossierXml({
        pupil:
          '<voornaam>Noor</voornaam><achternaam>Prins</achternaam><overigdocumentlijst>' +
          documentXml('plan.docx', docx) +
          documentXml('verslag.pdf', pdf) +
          '</overigdocumentlijst>',
      }),
    );
    expect(page).toContain(
      `download="plan.docx" href="data:application/octet-stream;base64,${docx.toString('base64')}"`,
    );
    expect(page).toContain(
      `download="verslag.pdf" href="data:application/pdf;base64,${pdf.toString('base64')}"`,
    );
    expect(textContent(page)).toContain(
      'plan.docx Omschrijving van plan.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document 0,0 kB',
    );
    expect(page).toContain('<a href="#bijlage-2">Bijlage 2</a>');
  });
});
