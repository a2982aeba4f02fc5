import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { brokerOrigin, contextWithCertificate, launchChromium } from '../support/browser';
import { startBroker } from '../support/broker-fixture';
import { createSuiteDatabase } from '../support/suite-database';
import { TestPki } from '../support/test-pki';

/**
 * How the auditor page fares on a large log: ENTRIES entries (default 100,000) about four schools, half
 * of them in the board auditor's scope, integrated by the broker's own sequencer; then the page in
 * Chromium. Prints times, asserts only that the page shows what it should. Not part of `npm test`
 * (speed is measured here, never asserted); run it with
 *   npx jest --testRegex 'audit-page\.benchmark\.ts$'
 */
const ENTRIES = Number(process.env.AUDIT_PAGE_BENCH_ENTRIES ?? 100_000);
const IN_SCOPE = ['01AA00', '01BB00'];
const OUT_OF_SCOPE = ['02AA00', '02BB00'];
const BOARD = '11111';
const OTHER_BOARD = '22222';

interface PageState {
  rows: number;
  summary: string;
  integrity: string;
}

function report(line: string): void {
  process.stdout.write(`audit-page benchmark: ${line}\n`);
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await run();
  report(`${what}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
  return result;
}

async function state(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: {
        querySelectorAll(selector: string): ArrayLike<unknown>;
        getElementById(id: string): { textContent: string | null } | null;
      };
    };
    return {
      rows: document.querySelectorAll('#entries tbody tr').length,
      summary: document.getElementById('summary')?.textContent ?? '',
      integrity: document.getElementById('integrity')?.textContent ?? '',
    };
  });
}

async function rowsShown(page: Page, rows: number): Promise<void> {
  await page.waitForFunction((wanted) => {
    const { document } = globalThis as unknown as {
      document: {
        querySelectorAll(selector: string): ArrayLike<unknown>;
        getElementById(id: string): { textContent: string | null } | null;
      };
    };
    return (
      document.querySelectorAll('#entries tbody tr').length >= wanted &&
      /entries shown/.test(document.getElementById('summary')?.textContent ?? '')
    );
  }, rows);
}

describe('benchmark: the auditor page on a large log', () => {
  it('prints the time to the first page, to each "More", to a search, and to the integrity banner', async () => {
    const databaseUrl = await createSuiteDatabase('audit_page_benchmark');
    const pki = await TestPki.create(databaseUrl);
    for (const [code, board] of [
      [IN_SCOPE[0], BOARD],
      [IN_SCOPE[1], BOARD],
      [OUT_OF_SCOPE[0], OTHER_BOARD],
      [OUT_OF_SCOPE[1], OTHER_BOARD],
    ]) {
      await pki.registry.addSchool({
        code,
        name: code,
        sector: code.endsWith('AA00') ? 'PO' : 'VO',
        bevoegdGezag: board,
      });
    }
    await pki.registry.addAuditor({ name: 'board-privacy', boards: [BOARD] });
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    const broker = await startBroker({ DATABASE_URL: databaseUrl, PKI_DIR: pki.dir });
    const browser = await launchChromium();
    try {
      // Steps of made-up transfers, a second apart, alternating between the board's schools and others.
      await timed(`inserting ${ENTRIES.toLocaleString('en')} entries`, () =>
        database.query(
          `INSERT INTO exchange_log_entries (at, event_type, actor_kind, actor_id, source_school, target_school, transfer_id, details)
           SELECT now() - ($1 - n) * interval '1 second', 'state_changed', 'vendor', 'po-las',
                  CASE WHEN n % 2 = 0 THEN $2 ELSE $4 END, CASE WHEN n % 2 = 0 THEN $3 ELSE $5 END,
                  gen_random_uuid(), '{"event":"stage_version","from":"requested","to":"dossier_staged"}'
             FROM generate_series(1, $1) AS n`,
          [ENTRIES, IN_SCOPE[0], IN_SCOPE[1], OUT_OF_SCOPE[0], OUT_OF_SCOPE[1]],
        ),
      );
      await timed('the broker’s sequencer integrating and checkpointing them', async () => {
        for (;;) {
          const { rows } = await database.query(
            'SELECT coalesce(max(tree_size), 0)::int AS size FROM exchange_log_checkpoints',
          );
          if (rows[0].size >= ENTRIES) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      });
      const credentials = await pki.issueBound({ kind: 'auditor', auditorName: 'board-privacy' });
      const context = await contextWithCertificate(browser, broker.port, credentials);
      const page = await context.newPage();
      await timed('opening /audit until 50 entries are shown and verified in the browser', async () => {
        await page.goto(`${brokerOrigin(broker.port)}/audit`);
        await rowsShown(page, 50);
      });
      await timed('the integrity banner (the whole tree re-hashed on the server)', () =>
        page.waitForFunction(() => {
          const { document } = globalThis as unknown as {
            document: { getElementById(id: string): { className: string } | null };
          };
          return /\b(ok|bad)\b/.test(document.getElementById('integrity')?.className ?? '');
        }),
      );
      for (const more of [100, 150, 200]) {
        await timed(`"More" up to ${more} entries`, async () => {
          await page.click('#more');
          await rowsShown(page, more);
        });
      }
      await timed('searching one school (its 50 newest entries)', async () => {
        await page.fill('input[name=school]', IN_SCOPE[1]);
        await page.click('#filters button[type=submit]');
        await page.waitForFunction(() => {
          const { document } = globalThis as unknown as {
            document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
          };
          const rows = Array.from(document.querySelectorAll('#entries tbody tr'));
          return rows.length === 50 && rows.every((row) => (row.textContent ?? '').includes('to 01BB00'));
        });
      });
      const shown = await state(page);
      report(`${shown.summary} | ${shown.integrity}`);
      expect(shown.rows).toBe(50);
      expect(shown.summary).toContain('none failing');
      expect(shown.integrity).toContain('matches its latest signed checkpoint');
      await context.close();
    } finally {
      await browser.close();
      await database.end();
      await broker.close();
      await pki.close();
    }
  }, 900_000);
});
