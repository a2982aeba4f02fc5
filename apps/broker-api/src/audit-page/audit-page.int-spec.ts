import {
  EXCHANGE_EVENT_TYPE_NAMES,
  MemoryMerkleTree,
  generateLogSigningKey,
  inclusionProof,
  leafHash,
  signCheckpoint,
  signNote,
  verifierKey,
  verifyInclusion,
} from '@app/exchange-log';
import { goNote } from '@app/exchange-log/checkpoint/testdata/note-vectors';
import { inclusionProofs, leafInputs, rootHashes } from '@app/exchange-log/merkle/testdata/rfc6962-vectors';
import { join } from 'node:path';
import { request } from 'node:https';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  brokerOrigin,
  contextWithCertificate,
  launchChromium,
  screenshotDir,
} from '../../../../test/support/browser';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { Exchange, SchoolSetup, startExchange } from '../../../../test/support/exchange-fixture';
import { asSuperuser } from '../../../../test/support/log-tamper';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';
import { AUDIT_PAGE_CSP } from './audit-page.guard';

/**
 * The auditor's page on the real broker, in a real Chromium holding the auditor's certificate: a real
 * transfer is made by the vendors' signed requests, the page lists and checks it in the browser, and a
 * superuser's changes to the log rows are marked, by entry and leaf.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
/** Two schools of another board: a board auditor of BOARD never sees them, the inspectorate does. */
const OTHER_SOURCE = '05XZ00';
const OTHER_TARGET = '06XZ00';
const BOARD = '41001';
const OTHER_BOARD = '41002';
const BOARD_AUDITOR = 'board-privacy';
const SUPERVISORY_AUDITOR = 'inspectie';
const [BSN, OTHER_BSN] = validBsns(2, 32_000_000);
const PUPIL = { bsn: BSN, geboortedatum: '2014-06-02' };
const ENTRY_WORDS_NL_DATE = new Intl.DateTimeFormat('nl-NL', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/Amsterdam',
});
const CONTENT_COLUMNS = [
  'at',
  'event_type',
  'actor_kind',
  'actor_id',
  'actor_certificate_fingerprint',
  'source_school',
  'target_school',
  'subject_school',
  'transfer_id',
  'version_hash',
  'details',
];

interface PageAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** verify.js as the page loads it (the spec's view of its exports). */
interface BrowserVerifier {
  leafHash(leaf: string): Promise<Uint8Array>;
  rootFromInclusionProof(
    hash: Uint8Array,
    leafIndex: number,
    treeSize: number,
    proof: Array<Uint8Array | null>,
  ): Promise<Uint8Array | null>;
  decodeStrictBase64(text: string): Uint8Array | null;
  toBase64(bytes: Uint8Array): string;
  parseVerifierKey(text: string): Promise<object>;
  openNote(note: string, key: object): Promise<string>;
  openCheckpoint(note: string, key: object): Promise<{ origin: string; size: number; rootHash: Uint8Array }>;
}

type WithVerifier = typeof globalThis & { auditVerifier: BrowserVerifier };

/** The few DOM pieces the spec reads in the page (typed here: the type-check has no DOM library). */
interface DomCell {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomCell | null;
}
interface DomRow {
  cells: DomCell[];
  children: DomCell[];
  dataset: Record<string, string | undefined>;
}
interface DomDocument {
  getElementById(id: string): (DomCell & { className: string }) | null;
  querySelectorAll(selector: string): ArrayLike<DomRow>;
}

interface ShownRow {
  entryId: string;
  leafIndex: string;
  verdict: string;
  event: string;
  schools: string;
  verdictText: string;
  time: string;
  datetime: string;
}

describe('the auditor web page', () => {
  let exchange: Exchange<'po' | 'vo' | 'boardAuditor' | 'supervisoryAuditor'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let browser: Browser;
  let boardAuditor: ClientCredentials;
  let supervisoryAuditor: ClientCredentials;
  let vendor: ClientCredentials;
  let transferId: string;
  const shots = screenshotDir('audit-page');

  /** A plain GET as a browser sends it: mutual TLS, no signature. */
  function pageGet(
    path: string,
    credentials: ClientCredentials,
    headers: Record<string, string> = {},
    method = 'GET',
  ): Promise<PageAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: broker.port,
          path,
          method,
          headers,
          ca: pki.caCertificate,
          cert: credentials.cert,
          key: credentials.key,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function auditorQueryCount(auditor: string): Promise<number> {
    const { rows } = await database.query(
      `SELECT count(*)::int AS n FROM exchange_log_entries WHERE event_type = 'auditor_query' AND actor_id = $1`,
      [auditor],
    );
    return rows[0].n as number;
  }

  /** Waits until a signed checkpoint covers every entry written so far. */
  async function checkpointCoveringAll(): Promise<void> {
    const { rows } = await database.query('SELECT count(*)::int AS n FROM exchange_log_entries');
    const wanted = rows[0].n as number;
    for (;;) {
      const latest = await database.query(
        'SELECT coalesce(max(tree_size), 0)::int AS size FROM exchange_log_checkpoints',
      );
      if ((latest.rows[0].size as number) >= wanted) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The leaf index and id of each entry of the test transfer, by event type (first of each). */
  async function leavesOfTransfer(): Promise<Array<{ leaf: number; id: string; type: string }>> {
    const { rows } = await database.query(
      `SELECT l.leaf_index::int AS leaf, e.id::text AS id, e.event_type AS type
         FROM exchange_log_leaves l JOIN exchange_log_entries e ON e.id = l.entry_id
        WHERE e.transfer_id = $1 ORDER BY l.leaf_index`,
      [transferId],
    );
    return rows as Array<{ leaf: number; id: string; type: string }>;
  }

  async function openPage(credentials: ClientCredentials): Promise<{ context: BrowserContext; page: Page }> {
    const context = await contextWithCertificate(browser, broker.port, credentials);
    const page = await context.newPage();
    const response = await page.goto(`${brokerOrigin(broker.port)}/audit`);
    expect(response?.status()).toBe(200);
    await settled(page);
    return { context, page };
  }

  /** The list and the integrity banner have their answers (or the page shows a notice). */
  async function settled(page: Page): Promise<void> {
    // A function, not a string: the page's CSP (no 'unsafe-eval') stops Playwright evaluating strings.
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as { document: DomDocument };
      return (
        /entries shown|No entries match/.test(document.getElementById('summary')?.textContent ?? '') &&
        /\b(ok|bad)\b/.test(document.getElementById('integrity')?.className ?? '')
      );
    });
  }

  async function shownRows(page: Page, table: 'entries' | 'timeline'): Promise<ShownRow[]> {
    return page.$$eval(`#${table} tbody tr`, (rows) =>
      rows.map((row) => {
        const { cells, dataset } = row as unknown as DomRow;
        return {
          entryId: dataset.entryId ?? '',
          leafIndex: dataset.leafIndex ?? '',
          verdict: dataset.verdict ?? '',
          time: cells[0].textContent ?? '',
          datetime: cells[0].querySelector('time')?.getAttribute('datetime') ?? '',
          event: cells[1].textContent ?? '',
          schools: cells[3].textContent ?? '',
          verdictText: cells[7].textContent ?? '',
        };
      }),
    );
  }

  beforeAll(async () => {
    const school = (code: string, sector: SchoolSetup['sector'], board: string): SchoolSetup => ({
      code,
      name: `School ${code}`,
      sector,
      board,
    });
    exchange = await startExchange({
      suite: 'audit_page',
      schools: [
        school(SOURCE, 'PO', BOARD),
        school(TARGET, 'VO', BOARD),
        school(OTHER_SOURCE, 'PO', OTHER_BOARD),
        school(OTHER_TARGET, 'VO', OTHER_BOARD),
      ],
      vendors: {
        po: { id: 'po-las', sends: [SOURCE, OTHER_SOURCE] },
        vo: { id: 'vo-las', receives: [TARGET, OTHER_TARGET] },
      },
      auditors: {
        boardAuditor: { name: BOARD_AUDITOR, boards: [BOARD] },
        supervisoryAuditor: { name: SUPERVISORY_AUDITOR, supervisory: true },
      },
      // Each tamper must be seen by the very next integrity call, not after the shared check's age.
      env: { AUDIT_INTEGRITY_MAX_AGE_SECONDS: '0' },
    });
    ({ pki, broker, database } = exchange);
    ({ boardAuditor, supervisoryAuditor, vo: vendor } = exchange.credentials);
    const { po, vo } = exchange.clients;
    // A request between the other board's schools: in the log, out of the board auditor's sight.
    const other = await vo.post('/v1/transfers', {
      targetSchool: OTHER_TARGET,
      sourceSchool: OTHER_SOURCE,
      pupil: { bsn: OTHER_BSN, geboortedatum: '2014-03-01' },
    });
    expect(other.status).toBe(201);
    // A whole transfer between the board's schools, by the vendors' signed requests.
    const requested = await vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: PUPIL,
    });
    expect(requested.status).toBe(201);
    transferId = requested.body.id as string;
    expect(
      (await po.put(`/v1/transfers/${transferId}/dossier`, dossierForPupil(POVO_EXAMPLE, PUPIL))).status,
    ).toBe(201);
    // Stands in for the release worker of #11 (a direct UPDATE is not a step, so the log has no entry).
    await database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [transferId],
    );
    expect((await vo.get(`/v1/transfers/${transferId}/dossier`)).status).toBe(200);
    expect((await vo.post(`/v1/transfers/${transferId}/receipt`, {})).status).toBe(200);
    await checkpointCoveringAll();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await exchange?.close();
  });

  describe('over HTTP', () => {
    it('serves the page and its data unsigned to an auditor, with a strict CSP, no-store and no CORS', async () => {
      const page = await pageGet('/audit', boardAuditor, { origin: 'https://elsewhere.example' });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toBe(AUDIT_PAGE_CSP);
      expect(AUDIT_PAGE_CSP).toContain("script-src 'self'");
      expect(AUDIT_PAGE_CSP).not.toContain('unsafe-inline');
      // No inline script anywhere: every <script> loads a file of ours.
      const scripts = [...page.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [tag, body] of scripts) {
        expect(tag).toMatch(/src="\/audit\/assets\/[a-z-]+\.js"/);
        expect(body.trim()).toBe('');
      }
      const data = await pageGet('/audit/api/entries?limit=5', boardAuditor, {
        origin: 'https://elsewhere.example',
        'sec-fetch-site': 'same-origin',
      });
      expect(data.status).toBe(200);
      expect(data.headers['cache-control']).toBe('no-store');
      expect(data.headers['content-security-policy']).toBe(AUDIT_PAGE_CSP);
      expect(JSON.parse(data.text).entries.length).toBeGreaterThan(0);
      for (const answer of [page, data]) {
        expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      }
      // A CORS preflight finds no route: nothing here answers OPTIONS.
      const preflight = await pageGet(
        '/audit/api/entries',
        boardAuditor,
        {
          origin: 'https://elsewhere.example',
          'access-control-request-method': 'GET',
        },
        'OPTIONS',
      );
      expect(preflight.status).toBe(404);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const key = await pageGet('/audit/api/log-key', boardAuditor);
      expect(key.status).toBe(200);
      expect(key.text.trim()).toBe(pki.logVerifierKey);
    });

    it('keeps vendors out with 403 AUDITOR_ONLY, page and data alike', async () => {
      for (const path of [
        '/audit',
        '/audit/api/entries',
        '/audit/api/integrity',
        '/audit/assets/verify.js',
      ]) {
        const answer = await pageGet(path, vendor);
        expect([path, answer.status, JSON.parse(answer.text).error]).toEqual([path, 403, 'AUDITOR_ONLY']);
      }
    });

    it('refuses what another site makes the auditor’s browser send with 403 AUDIT_PAGE_CROSS_SITE, logging no query', async () => {
      const before = await auditorQueryCount(BOARD_AUDITOR);
      for (const site of ['cross-site', 'same-site']) {
        for (const path of [
          '/audit',
          '/audit/api/entries',
          '/audit/api/integrity',
          '/audit/api/checkpoint',
        ]) {
          const answer = await pageGet(path, boardAuditor, { 'sec-fetch-site': site });
          expect([site, path, answer.status, JSON.parse(answer.text).error]).toEqual([
            site,
            path,
            403,
            'AUDIT_PAGE_CROSS_SITE',
          ]);
        }
      }
      expect(await auditorQueryCount(BOARD_AUDITOR)).toBe(before);
      // Typed into the address bar or from a bookmark: the browser says "none".
      expect((await pageGet('/audit', boardAuditor, { 'sec-fetch-site': 'none' })).status).toBe(200);
    });

    it('opens the page from a link on another site, but nothing else another site asks for', async () => {
      const link = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
      const before = await auditorQueryCount(BOARD_AUDITOR);
      for (const site of ['cross-site', 'same-site']) {
        const page = await pageGet('/audit', boardAuditor, { 'sec-fetch-site': site, ...link });
        expect([site, page.status]).toEqual([site, 200]);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.headers['content-security-policy']).toBe(AUDIT_PAGE_CSP);
        // The same page fetched, framed or embedded by the other site stays refused.
        for (const [mode, dest] of [
          ['navigate', 'iframe'],
          ['cors', 'empty'],
          ['no-cors', 'document'],
        ]) {
          const answer = await pageGet('/audit', boardAuditor, {
            'sec-fetch-site': site,
            'sec-fetch-mode': mode,
            'sec-fetch-dest': dest,
          });
          expect([site, mode, dest, answer.status]).toEqual([site, mode, dest, 403]);
        }
        // Claiming a navigation does not open the data routes or the page's files.
        for (const path of [
          '/audit/api/entries',
          '/audit/api/integrity',
          '/audit/api/checkpoint',
          '/audit/api/log-key',
          '/audit/assets/audit-page.js',
        ]) {
          const answer = await pageGet(path, boardAuditor, { 'sec-fetch-site': site, ...link });
          expect([site, path, answer.status, JSON.parse(answer.text).error]).toEqual([
            site,
            path,
            403,
            'AUDIT_PAGE_CROSS_SITE',
          ]);
        }
      }
      expect(await auditorQueryCount(BOARD_AUDITOR)).toBe(before);
      // A vendor's certificate gets no page from a link either.
      const vendorLink = await pageGet('/audit', vendor, { 'sec-fetch-site': 'cross-site', ...link });
      expect([vendorLink.status, JSON.parse(vendorLink.text).error]).toEqual([403, 'AUDITOR_ONLY']);
    });

    it('answers GET only, and only its own files', async () => {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        expect([method, (await pageGet('/audit/api/entries', boardAuditor, {}, method)).status]).toEqual([
          method,
          404,
        ]);
      }
      for (const path of [
        '/audit/assets/index.html',
        '/audit/assets/tsconfig.json',
        '/audit/assets/..%2F..%2F..%2F..%2F..%2Fpackage.json',
        '/audit/assets/nothing.js',
      ]) {
        const answer = await pageGet(path, boardAuditor);
        expect([path, answer.status, JSON.parse(answer.text).error]).toEqual([path, 404, 'NOT_FOUND']);
      }
      const script = await pageGet('/audit/assets/verify.js', boardAuditor);
      expect([script.status, script.headers['content-type']]).toEqual([
        200,
        'text/javascript; charset=utf-8',
      ]);
    });

    it('records every data call of the page as an auditor query: filter names, never their values', async () => {
      const before = await auditorQueryCount(BOARD_AUDITOR);
      const answer = await pageGet(`/audit/api/entries?type=request_created&school=${SOURCE}`, boardAuditor);
      expect(answer.status).toBe(200);
      const entries = JSON.parse(answer.text).entries as Array<{ type: string }>;
      expect(entries.map((entry) => entry.type)).toEqual(['request_created']);
      expect(await auditorQueryCount(BOARD_AUDITOR)).toBe(before + 1);
      const { rows } = await database.query(
        `SELECT actor_kind, actor_certificate_fingerprint, subject_school, details FROM exchange_log_entries
          WHERE event_type = 'auditor_query' AND actor_id = $1 ORDER BY id DESC LIMIT 1`,
        [BOARD_AUDITOR],
      );
      expect(rows[0]).toMatchObject({ actor_kind: 'auditor', subject_school: SOURCE });
      expect(rows[0].actor_certificate_fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].details.query).toBe('entries');
      expect(rows[0].details.filters).toEqual(expect.arrayContaining(['school']));
      expect(JSON.stringify(rows[0].details)).not.toContain('request_created');
      const refused = await pageGet('/audit/api/entries?type=no_such_event', boardAuditor);
      expect([refused.status, JSON.parse(refused.text).error]).toEqual([400, 'AUDIT_FILTER_INVALID']);
      const unknown = await pageGet('/audit/api/entries?bsn=1', boardAuditor);
      expect([unknown.status, JSON.parse(unknown.text).error]).toEqual([400, 'AUDIT_FILTER_INVALID']);
      expect(JSON.parse(unknown.text).message).not.toContain('=1');
    });
  });

  describe('in Chromium', () => {
    it('checks leaves, proofs and signed notes in the browser exactly as the server does', async () => {
      const { context, page } = await openPage(boardAuditor);
      try {
        // The module exactly as the page loads it. A string, so that the compiler leaves import() alone.
        await page.evaluate(
          "import('/audit/assets/verify.js').then((m) => { globalThis.auditVerifier = m; })",
        );
        const tree = new MemoryMerkleTree();
        for (const input of leafInputs) tree.append(leafHash(Buffer.from(input, 'hex')));
        // Every position of the RFC 6962 reference tree, and broken variants of each proof.
        const cases: Array<{
          leaf: string;
          leafIndex: number;
          treeSize: number;
          proof: string[];
          root: string;
        }> = [];
        for (let size = 1; size <= leafInputs.length; size += 1) {
          for (let index = 0; index < size; index += 1) {
            const proof = (await inclusionProof(index, size, tree)).map((hash) => hash.toString('base64'));
            const leaf = Buffer.from(leafInputs[index], 'hex').toString('latin1');
            const root = Buffer.from(rootHashes[size], 'hex').toString('base64');
            cases.push({ leaf, leafIndex: index, treeSize: size, proof, root });
            if (proof.length > 0) {
              const flipped = Buffer.from(proof[0], 'base64');
              flipped[0] ^= 1;
              cases.push({
                leaf,
                leafIndex: index,
                treeSize: size,
                proof: [flipped.toString('base64'), ...proof.slice(1)],
                root,
              });
              cases.push({ leaf, leafIndex: index, treeSize: size, proof: proof.slice(1), root });
            }
            if (size > 1) cases.push({ leaf, leafIndex: (index + 1) % size, treeSize: size, proof, root });
            cases.push({ leaf: `${leaf}x`, leafIndex: index, treeSize: size, proof, root });
          }
        }
        for (const vector of inclusionProofs) {
          cases.push({
            leaf: Buffer.from(leafInputs[vector.leafIndex], 'hex').toString('latin1'),
            leafIndex: vector.leafIndex,
            treeSize: vector.treeSize,
            proof: vector.proof.map((hex) => Buffer.from(hex, 'hex').toString('base64')),
            root: Buffer.from(rootHashes[vector.treeSize], 'hex').toString('base64'),
          });
        }
        const server = cases.map(({ leaf, leafIndex, treeSize, proof, root }) =>
          verifyInclusion(
            leafHash(Buffer.from(leaf, 'latin1')),
            leafIndex,
            treeSize,
            proof.map((hash) => Buffer.from(hash, 'base64')),
            Buffer.from(root, 'base64'),
          ),
        );
        const inBrowser = await page.evaluate(async (all) => {
          const v = (globalThis as WithVerifier).auditVerifier;
          return Promise.all(
            all.map(async ({ leaf, leafIndex, treeSize, proof, root }) => {
              const computed = await v.rootFromInclusionProof(
                await v.leafHash(leaf),
                leafIndex,
                treeSize,
                proof.map((hash: string) => v.decodeStrictBase64(hash)),
              );
              return computed !== null && v.toBase64(computed) === root;
            }),
          );
        }, cases);
        expect(inBrowser).toEqual(server);
        expect(server.filter(Boolean).length).toBe(36 + inclusionProofs.length);
        expect(server.filter((ok) => !ok).length).toBeGreaterThan(100);

        // Signed notes: the broker's own checkpoints, and Go's sumdb/note test vector.
        const key = generateLogSigningKey('localhost/oso-broker/exchange-log');
        const otherKey = generateLogSigningKey(key.name);
        const note = signCheckpoint(
          { origin: key.name, size: 8, rootHash: Buffer.from(rootHashes[8], 'hex') },
          key,
        );
        const notes = {
          good: note,
          changedBody: note.replace('\n8\n', '\n9\n'),
          otherKeySameName: signCheckpoint(
            { origin: key.name, size: 8, rootHash: Buffer.from(rootHashes[8], 'hex') },
            otherKey,
          ),
          otherOrigin: signNote(
            `elsewhere/log\n8\n${Buffer.from(rootHashes[8], 'hex').toString('base64')}\n`,
            {
              ...key,
            },
          ),
          go: `${goNote.text}\n${goNote.peterSignatureLine}${goNote.enochSignatureLine}`,
        };
        const opened = await page.evaluate(
          async ({ notes, keyText, goKey }) => {
            const v = (globalThis as WithVerifier).auditVerifier;
            const key = await v.parseVerifierKey(keyText);
            const outcome = async (run: () => Promise<unknown>) => {
              try {
                return { ok: true, value: await run() };
              } catch (error) {
                return { ok: false, value: String(error) };
              }
            };
            const checkpoint = async (text: string) => {
              const { origin, size, rootHash } = await v.openCheckpoint(text, key);
              return `${origin} ${size} ${v.toBase64(rootHash)}`;
            };
            return {
              good: await outcome(() => checkpoint(notes.good)),
              changedBody: await outcome(() => checkpoint(notes.changedBody)),
              otherKeySameName: await outcome(() => checkpoint(notes.otherKeySameName)),
              otherOrigin: await outcome(() => checkpoint(notes.otherOrigin)),
              go: await outcome(async () => v.openNote(notes.go, await v.parseVerifierKey(goKey))),
              badKeyId: await outcome(() =>
                v.parseVerifierKey(keyText.replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
              ),
            };
          },
          { notes, keyText: verifierKey(key), goKey: goNote.verifierKey },
        );
        expect(opened.good).toEqual({
          ok: true,
          value: `${key.name} 8 ${Buffer.from(rootHashes[8], 'hex').toString('base64')}`,
        });
        expect(opened.changedBody).toEqual({ ok: false, value: expect.stringContaining('does not verify') });
        expect(opened.otherKeySameName).toEqual({
          ok: false,
          value: expect.stringContaining('not signed by'),
        });
        expect(opened.otherOrigin).toEqual({ ok: false, value: expect.stringContaining('not from') });
        expect(opened.go).toEqual({ ok: true, value: goNote.text });
        expect(opened.badKeyId).toEqual({ ok: false, value: expect.stringContaining('key id') });
      } finally {
        await context.close();
      }
    });

    it('shows a board auditor the log newest first, every entry verified in the browser, and a transfer’s timeline', async () => {
      await checkpointCoveringAll();
      const { context, page } = await openPage(boardAuditor);
      try {
        const rows = await shownRows(page, 'entries');
        const ids = rows.map((row) => BigInt(row.entryId));
        expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
        expect(rows.filter((row) => row.verdict === 'failed')).toEqual([]);
        // The page's own queries may be newer than the checkpoint; everything else is proven.
        const transferRows = rows.filter((row) => row.event !== 'Auditor query');
        expect(transferRows.length).toBeGreaterThanOrEqual(7);
        expect(transferRows.filter((row) => row.verdict !== 'verified')).toEqual([]);
        expect(transferRows.map((row) => row.event)).toEqual(
          expect.arrayContaining([
            'Transfer requested',
            'Dossier version staged',
            'Dossier fetched by the receiving school',
          ]),
        );
        // Dates in the auditor's locale (this browser: nl-NL, Amsterdam), schools by code.
        for (const row of rows) expect(row.time).toBe(ENTRY_WORDS_NL_DATE.format(new Date(row.datetime)));
        expect(transferRows.map((row) => row.schools)).toContain(`from ${SOURCE} to ${TARGET}`);
        await expect(page.locator('#integrity').textContent()).resolves.toMatch(
          /re-hashed the whole log at .+, against its signed checkpoint of [\d.]+ entries: it matches\./,
        );
        await expect(page.locator('#checkpoint').textContent()).resolves.toMatch(
          /signature verified in this browser/,
        );
        await expect(page.locator('#key-name').textContent()).resolves.toBe(pki.logVerifierKey.split('+')[0]);
        // Every event type of the log has its words in the filter.
        const types = await page.$$eval('#type-filter option', (options) =>
          options
            .map((option) => (option as unknown as DomCell).getAttribute('value'))
            .filter((value) => value !== ''),
        );
        expect(types.sort()).toEqual([...EXCHANGE_EVENT_TYPE_NAMES].sort());
        await page.screenshot({ path: join(shots, 'list.png'), fullPage: true });

        // Filtering by event type, through the form.
        await page.selectOption('#type-filter', 'dossier_fetched');
        await page.click('#filters button[type=submit]');
        await page.waitForFunction(() => {
          const { document } = globalThis as unknown as { document: DomDocument };
          const rows = Array.from(document.querySelectorAll('#entries tbody tr'));
          return (
            rows.length > 0 &&
            rows.every((row) => row.children[1].textContent === 'Dossier fetched by the receiving school')
          );
        });
        await page.click('#filters button[type=reset]');
        await settled(page);

        // The transfer's timeline, oldest first.
        await page.click(`#entries button.timeline-link[data-transfer="${transferId}"] >> nth=0`);
        await page.waitForSelector('#timeline-view:not([hidden]) #timeline tbody tr');
        const timeline = await shownRows(page, 'timeline');
        expect(timeline.map((row) => row.event)).toEqual([
          'Transfer requested',
          'Request matched to a staged dossier',
          'Transfer state changed',
          'Transfer state changed',
          'Dossier fetched by the receiving school',
          'Receipt confirmed',
        ]);
        expect(timeline.map((row) => row.verdict)).toEqual(timeline.map(() => 'verified'));
        await expect(page.locator('#timeline-id').textContent()).resolves.toBe(transferId);
        await page.screenshot({ path: join(shots, 'timeline.png'), fullPage: true });
      } finally {
        await context.close();
      }
    });

    it('opens from a link on another site (a mail or an intranet page), and then works as usual', async () => {
      const context = await contextWithCertificate(browser, broker.port, boardAuditor);
      const page = await context.newPage();
      // A document of an opaque origin: to the broker, the click comes from another site.
      const link = `<a id="go" href="${brokerOrigin(broker.port)}/audit">Open the exchange log</a>`;
      await page.goto(`data:text/html,${encodeURIComponent(link)}`);
      const [response] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
      expect(response?.status()).toBe(200);
      expect((await response!.request().allHeaders())['sec-fetch-site']).toBe('cross-site');
      await settled(page);
      expect((await shownRows(page, 'entries')).length).toBeGreaterThan(0);
      await expect(page.locator('#integrity').getAttribute('class')).resolves.toMatch(/\bok\b/);
      await context.close();
    });

    it('shows the inspectorate schools of every board, a board auditor only its own', async () => {
      const text = async (credentials: ClientCredentials) => {
        const { context, page } = await openPage(credentials);
        try {
          return (await shownRows(page, 'entries')).map((row) => row.schools).join(' | ');
        } finally {
          await context.close();
        }
      };
      const board = await text(boardAuditor);
      const supervisory = await text(supervisoryAuditor);
      expect(board).toContain(SOURCE);
      expect(board).not.toContain(OTHER_SOURCE);
      expect(board).not.toContain(OTHER_TARGET);
      expect(supervisory).toContain(`from ${OTHER_SOURCE} to ${OTHER_TARGET}`);
      expect(supervisory).toContain(SOURCE);
    });

    it('warns when the broker presents another log key than the pinned one, and checks with the pinned key', async () => {
      const { context, page } = await openPage(boardAuditor);
      try {
        await expect(page.locator('#key-warning').isHidden()).resolves.toBe(true);
        const stranger = verifierKey(generateLogSigningKey('localhost/oso-broker/exchange-log'));
        await page.click('#key summary');
        await page.fill('#pin-text', stranger);
        await page.click('#pin-pasted');
        await page.waitForSelector('#key-warning:not([hidden])');
        await settled(page);
        await expect(page.locator('#key-warning').textContent()).resolves.toContain('another log key');
        const rows = await shownRows(page, 'entries');
        const checked = rows.filter((row) => row.verdict !== 'pending');
        expect(checked.length).toBeGreaterThan(0);
        for (const row of checked) expect(row.verdictText).toContain('not signed by the log key');
        // The broker's own key, pinned: no warning, entries verify again (also after a reload).
        await page.click('#unpin');
        await page.waitForSelector('#key-pin-state:has-text("not pinned")');
        await page.click('#pin-current');
        // Pinning checks the key first (WebCrypto, asynchronous): wait until it is stored.
        await page.waitForSelector('#key-pin-state:has-text("pinned in this browser")');
        await page.reload();
        await settled(page);
        await expect(page.locator('#key-warning').isHidden()).resolves.toBe(true);
        await expect(page.locator('#key-pin-state').textContent()).resolves.toContain(
          'pinned in this browser',
        );
        expect((await shownRows(page, 'entries')).filter((row) => row.verdict === 'failed')).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('marks exactly the entry a superuser changed, naming entry and leaf, and the integrity banner names it', async () => {
      await checkpointCoveringAll();
      const changed = (await leavesOfTransfer()).filter((row) => row.type === 'state_changed')[1];
      const { rows: original } = await database.query(
        'SELECT details FROM exchange_log_entries WHERE id = $1',
        [changed.id],
      );
      await asSuperuser(database, (db) =>
        db.query(`UPDATE exchange_log_entries SET details = details || '{"to":"released"}' WHERE id = $1`, [
          changed.id,
        ]),
      );
      try {
        const { context, page } = await openPage(boardAuditor);
        try {
          const rows = await shownRows(page, 'entries');
          const failed = rows.filter((row) => row.verdict === 'failed');
          expect(failed.map((row) => [row.entryId, row.leafIndex])).toEqual([
            [changed.id, String(changed.leaf)],
          ]);
          expect(failed[0].verdictText).toContain(
            `Does not verify: entry ${changed.id}, leaf ${changed.leaf}`,
          );
          expect(rows.filter((row) => row.event !== 'Auditor query' && row.verdict !== 'verified')).toEqual(
            failed,
          );
          const banner = await page.locator('#integrity').textContent();
          expect(banner).toContain('DOES NOT MATCH');
          expect(banner).toContain(`leaf ${changed.leaf}, entry ${changed.id}`);
          await page.locator(`#entries tr[data-entry-id="${changed.id}"]`).scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(shots, 'tampered-entry.png'), fullPage: true });
        } finally {
          await context.close();
        }
      } finally {
        await asSuperuser(database, (db) =>
          db.query('UPDATE exchange_log_entries SET details = $2 WHERE id = $1', [
            changed.id,
            original[0].details,
          ]),
        );
      }
      // Put back, the log matches its checkpoints again: the banner does not stick.
      const { context, page } = await openPage(boardAuditor);
      await expect(page.locator('#integrity').textContent()).resolves.toMatch(
        /re-hashed the whole log at .+, against its signed checkpoint of [\d.]+ entries: it matches\./,
      );
      await context.close();
    });

    it('names the leaf in the integrity banner when a superuser deletes a row, and when one swaps two', async () => {
      const leaves = await leavesOfTransfer();
      const deleted = leaves.find((row) => row.type === 'request_matched')!;
      const { rows: saved } = await database.query('SELECT * FROM exchange_log_entries WHERE id = $1', [
        deleted.id,
      ]);
      await asSuperuser(database, async (db) => {
        await db.query('DELETE FROM exchange_log_leaves WHERE leaf_index = $1', [deleted.leaf]);
        await db.query('DELETE FROM exchange_log_entries WHERE id = $1', [deleted.id]);
      });
      try {
        const { context, page } = await openPage(boardAuditor);
        try {
          const banner = await page.locator('#integrity').textContent();
          expect(banner).toContain('DOES NOT MATCH');
          expect(banner).toContain(`leaf ${deleted.leaf},`);
          expect((await shownRows(page, 'entries')).map((row) => row.entryId)).not.toContain(deleted.id);
          await page.screenshot({ path: join(shots, 'deleted-entry.png'), fullPage: true });
        } finally {
          await context.close();
        }
      } finally {
        const row = saved[0];
        const columns = Object.keys(row);
        await asSuperuser(database, async (db) => {
          await db.query(
            `INSERT INTO exchange_log_entries (${columns.join(', ')}) OVERRIDING SYSTEM VALUE
             VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
            columns.map((column) => (column === 'details' ? JSON.stringify(row[column]) : row[column])),
          );
          await db.query('INSERT INTO exchange_log_leaves (leaf_index, entry_id) VALUES ($1, $2)', [
            deleted.leaf,
            deleted.id,
          ]);
        });
      }

      const [first, second] = [leaves[0], leaves.find((row) => row.type === 'dossier_fetched')!];
      const swap = (db: Client) =>
        db.query(
          `UPDATE exchange_log_entries e SET ${CONTENT_COLUMNS.map((column) => `${column} = o.${column}`).join(', ')}
             FROM exchange_log_entries o WHERE (e.id, o.id) IN (($1::bigint, $2::bigint), ($2, $1))`,
          [first.id, second.id],
        );
      await asSuperuser(database, swap);
      try {
        const { context, page } = await openPage(boardAuditor);
        try {
          const banner = await page.locator('#integrity').textContent();
          expect(banner).toContain(`leaf ${first.leaf}, entry ${first.id}`);
          const failed = (await shownRows(page, 'entries')).filter((row) => row.verdict === 'failed');
          expect(failed.map((row) => row.entryId).sort()).toEqual([first.id, second.id].sort());
          await page.screenshot({ path: join(shots, 'swapped-entries.png'), fullPage: true });
        } finally {
          await context.close();
        }
      } finally {
        await asSuperuser(database, swap);
      }
      const { context, page } = await openPage(boardAuditor);
      await expect(page.locator('#integrity').textContent()).resolves.toMatch(
        /re-hashed the whole log at .+, against its signed checkpoint of [\d.]+ entries: it matches\./,
      );
      await context.close();
    });
  });
});
