import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotDir } from '../../../../test/support/browser';
import { POVO_DOSSIER_BYTES } from '../../../../test/support/large-dossiers';
import { OFFICIAL_EXAMPLES_PRESENT, officialExample } from '../../../../test/support/official-examples';
import { buildRenderedDossier } from '../model/build-rendered-dossier';
import { dossierXml } from '../model/testing/dossier-xml';
import { RENDERED_PAGE_CSP, SHORT_HASH_LENGTH } from '../rendering-choice';
import { renderHtml } from './render-html';

/**
 * The page in Debian's Chromium, as a parent reads it on a phone and a mentor on a desktop, and printed:
 * the official POVO example (170 KB), or without it the generated POVO dossier of the same size.
 */
const HASH = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';
const POVO = OFFICIAL_EXAMPLES_PRESENT
  ? Buffer.from(officialExample('OV_POVO_full'), 'utf8')
  : POVO_DOSSIER_BYTES;
const MODEL = buildRenderedDossier(POVO, { versionNumber: 2, contentHash: HASH }, { form: 'complete' });
const PAGE = renderHtml(MODEL);
const VIEWPORTS = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 900 }],
] as const;

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  bodyScrollWidth: number;
  headings: number[];
  tables: { caption: string; headers: number; columns: number }[];
  text: string;
  contrast: { worst: number; where: string };
}

/** WCAG 2 AA for body text. */
const MIN_CONTRAST = 4.5;

// Run in the page; strings, since the compiler here knows no DOM.
const LAYOUT_PROBE = `({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  bodyScrollWidth: document.body.scrollWidth,
  headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((heading) => Number(heading.tagName[1])),
  tables: [...document.querySelectorAll('table')].map((table) => ({
    caption: table.caption ? table.caption.textContent.trim() : '',
    headers: table.querySelectorAll('thead th[scope="col"]').length,
    columns: Math.max(...[...table.rows].map((row) => row.cells.length)),
  })),
  text: document.body.innerText,
  contrast: (() => {
    // WCAG 2 relative luminance and contrast of every element's own text against its background.
    const channels = (colour) => colour.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b]
      .map((value) => value / 255)
      .map((value) => (value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4))
      .reduce((sum, value, index) => sum + value * [0.2126, 0.7152, 0.0722][index], 0);
    const background = (element) => {
      for (let node = element; node; node = node.parentElement) {
        const colour = channels(getComputedStyle(node).backgroundColor);
        if (colour.length < 4 || colour[3] > 0) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    let worst = { worst: Infinity, where: '' };
    for (const element of document.querySelectorAll('body *')) {
      if (![...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim())) continue;
      const [light, dark] = [luminance(channels(getComputedStyle(element).color)), luminance(background(element))]
        .sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      if (ratio < worst.worst) worst = { worst: ratio, where: element.tagName + '.' + element.className };
    }
    return worst;
  })(),
})`;
const HOSTILE_PROBE = `({
  pwned: window.pwned ?? null,
  elements: document.querySelectorAll('img, script').length,
  text: document.body.innerText,
})`;

describe('the dossier page in a real browser', () => {
  let browser: Browser;
  const shots = screenshotDir('dossier-rendering');

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The page loaded with every request it makes recorded (it should make none). */
  async function open(
    html: string,
    viewport: { width: number; height: number },
  ): Promise<{ page: Page; requests: string[] }> {
    const page = await browser.newPage({ viewport, javaScriptEnabled: true });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) requests.push(request.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    return { page, requests };
  }

  it.each(VIEWPORTS)(
    'on a %s: fits the width, headings in order, tables with headers',
    async (name, viewport) => {
      const { page, requests } = await open(PAGE, viewport);
      try {
        const file = join(shots, `povo-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(0);
        const layout = await page.evaluate<Layout>(LAYOUT_PROBE);
        expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
        expect(layout.bodyScrollWidth).toBeLessThanOrEqual(layout.clientWidth);
        expect(layout.headings[0]).toBe(1);
        expect(layout.headings.filter((level) => level === 1)).toHaveLength(1);
        layout.headings.forEach((level, index) => {
          if (index > 0) expect(level).toBeLessThanOrEqual(layout.headings[index - 1] + 1);
        });
        expect(layout.tables.length).toBeGreaterThan(5);
        for (const table of layout.tables) {
          expect(table.caption).not.toBe('');
          expect(table.headers).toBe(table.columns);
        }
        expect(layout.text).toContain(HASH);
        expect(layout.text).toContain(HASH.slice(0, SHORT_HASH_LENGTH));
        expect(layout.contrast.where).not.toBe('');
        expect(layout.contrast.worst).toBeGreaterThanOrEqual(MIN_CONTRAST);
        expect(requests).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );

  it('served as the broker serves it (sandboxed by its CSP), hands over each attachment as a download', async () => {
    const attachment = MODEL.attachments[0];
    expect(attachment).toBeDefined();
    const page = await browser.newPage({ acceptDownloads: true });
    try {
      // The answer of GET …/rendering: the page with the broker's headers, at an https address of its own.
      await page.route('https://broker.invalid/rendering', (route) =>
        route.fulfill({
          status: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': RENDERED_PAGE_CSP,
            'x-content-type-options': 'nosniff',
          },
          body: PAGE,
        }),
      );
      await page.goto('https://broker.invalid/rendering');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a.download').first().click(),
      ]);
      expect(download.suggestedFilename()).toBe(attachment.fileName);
      const file = join(shots, `attachment-1-${attachment.fileName}`);
      await download.saveAs(file);
      expect(readFileSync(file).equals(attachment.content)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('prints on A4 with the version and hash on every page', async () => {
    const { page } = await open(PAGE, { width: 1280, height: 900 });
    try {
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.identity').isVisible()).toBe(true);
      const file = join(shots, 'povo-print.pdf');
      await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
      // Debian's poppler-utils: pages are separated by form feeds.
      const pages = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
        .split('\f')
        .slice(0, -1);
      expect(pages.length).toBeGreaterThan(1);
      pages.forEach((text) => {
        expect(text).toContain(`Dossierversie 2 · korte hash ${HASH.slice(0, SHORT_HASH_LENGTH)}`);
        expect(text).toContain(HASH);
      });
      const size = execFileSync('pdfinfo', [file], { encoding: 'utf8' }).match(
        /Page size:\s+([\d.]+) x ([\d.]+) pts/,
      );
      // A4 in points.
      expect([Math.round(Number(size![1])), Math.round(Number(size![2]))]).toEqual([595, 842]);
    } finally {
      await page.close();
    }
  });

  it('runs nothing from hostile text: no element, no handler, no request', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const xml = dossierXml({
      schoolName: hostile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    });
    const html = renderHtml(
      buildRenderedDossier(xml, { versionNumber: null, contentHash: HASH }, { form: 'complete' }),
    );
    const { page, requests } = await open(html, { width: 390, height: 844 });
    try {
      const found = await page.evaluate<{ pwned: number | null; elements: number; text: string }>(
        HOSTILE_PROBE,
      );
      expect(found).toMatchObject({ pwned: null, elements: 0 });
      expect(found.text).toContain(hostile);
      expect(found.text).toContain('lokaal, niet via de broker');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
