import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { brokerOrigin, contextWithCertificate, launchChromium, screenshotDir } from '../support/browser';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort, runBuilt } from '../support/built-process';
import { databaseUrlFor } from '../test-run';

/** How often the page is reloaded while the restarted broker checkpoints the demo's last entries. */
const RELOADS = 30;

interface Row {
  event: string;
  verdict: string;
  transfer: string | null;
}

/**
 * The check, on the built processes: after `npm run demo`, the demo auditor opens `/audit` in a
 * real browser with its certificate from the demo PKI, and sees the demo transfer's timeline verified.
 * The broker here is `dist/` (the page's files are the copies `npm run build` made).
 */
describe('the auditor page after npm run demo', () => {
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let workDir: string;
  let browser: Browser;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-audit-page-'));
    chmodSync(workDir, 0o755);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function rows(page: Page, table: string): Promise<Row[]> {
    return page.$$eval(`#${table} tbody tr`, (found) =>
      found.map((row) => {
        const { dataset, cells } = row as unknown as {
          dataset: Record<string, string | undefined>;
          cells: Array<{
            textContent: string | null;
            querySelector(selector: string): { getAttribute(name: string): string | null } | null;
          }>;
        };
        return {
          event: cells[1].textContent ?? '',
          verdict: dataset.verdict ?? '',
          transfer: cells[4].querySelector('button')?.getAttribute('data-transfer') ?? null,
        };
      }),
    );
  }

  it('shows the demo auditor the demo transfer’s timeline, every step verified in the browser', async () => {
    const env = {
      DATABASE_URL: databaseUrlFor(`${process.env.TEST_DATABASE_NAME}_demo_audit_page`),
      PKI_DIR: join(workDir, 'pki'),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-demo-audit-page`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
    };
    const demo = await runBuilt('cli', ['demo', '--wait-seconds', '60'], env);
    expect(demo.code).toBe(0); // every scenario held

    const broker = new BuiltProcess('broker-api', [], env);
    try {
      await broker.waitForLine(/ops health on/);
      const context = await contextWithCertificate(browser, Number(env.BROKER_PORT), {
        cert: readFileSync(join(env.PKI_DIR, 'auditors', 'demo-auditor.crt')),
        key: readFileSync(join(env.PKI_DIR, 'auditors', 'demo-auditor.key')),
      });
      const page = await context.newPage();
      expect((await page.goto(`${brokerOrigin(Number(env.BROKER_PORT))}/audit`))?.status()).toBe(200);
      // The demo's broker may have stopped before checkpointing its last steps; this one does it.
      let listed: Row[] = [];
      for (let reload = 0; reload < RELOADS; reload += 1) {
        await page.waitForSelector('#entries tbody tr');
        await page.waitForFunction(() => {
          const { document } = globalThis as unknown as {
            document: { getElementById(id: string): { textContent: string | null } | null };
          };
          return /entries shown/.test(document.getElementById('summary')?.textContent ?? '');
        });
        listed = await rows(page, 'entries');
        if (listed.every((row) => row.verdict === 'verified')) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
        await page.reload();
      }
      expect(listed.filter((row) => row.verdict !== 'verified')).toEqual([]);
      const transferId = listed.find((row) => row.transfer !== null)?.transfer;
      expect(transferId).toMatch(/^[0-9a-f-]{36}$/);

      await page.click(`#entries button.timeline-link[data-transfer="${transferId}"] >> nth=0`);
      await page.waitForSelector('#timeline-view:not([hidden]) #timeline tbody tr');
      const timeline = await rows(page, 'timeline');
      expect(timeline[0].event).toBe('Transfer requested');
      expect(timeline.map((row) => row.event)).toContain('Request matched to a staged dossier');
      expect(timeline.map((row) => row.verdict)).toEqual(timeline.map(() => 'verified'));
      await page.screenshot({ path: join(screenshotDir('audit-page'), 'demo-timeline.png'), fullPage: true });
      await context.close();
    } finally {
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });
});
