import { RENDERED_PAGE_CSP } from '@app/dossier-rendering';
import { generateDossier } from '@app/oso-dataset';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Exchange, TWO_VENDORS, startExchange } from '../../../../test/support/exchange-fixture';
import {
  DOSSIER_DAY,
  INZAGE_DAY,
  recordInzageByLetter,
  releaseFromOutbox,
  stagePoDossier,
} from '../../../../test/support/release-steps';
import type { ApiResponse as VendorAnswer } from '../../../../test/support/vendor-client';

/**
 * The readable dossier's API (#12) on the real broker, PostgreSQL, the exchange log and the rendering
 * threads: who may read which version on which side and in which state, the headers that keep the page
 * inert and the file names free of personal data, and one log entry per answer, recorded before it leaves.
 */
const OUTPUT = join(process.cwd(), 'test-results', 'rendering-api');
let seed = 2600;

type Vendors = keyof typeof TWO_VENDORS | 'other';

interface LogRow {
  id: string;
  event_type: string;
  actor_id: string;
  source_school: string | null;
  target_school: string | null;
  transfer_id: string | null;
  version_hash: string;
  details: Record<string, unknown>;
}

/** What must never be in a log entry of this dossier: the pupil's names, birth date, number, attachment names. */
interface Personal {
  bsn: string;
  names: string[];
  fileNames: string[];
}

/** The pupil's names, birth date and number and the attachments' file names, as the dossier gives them. */
function personalOf(xml: string): Personal {
  const leerling = /<leerling>([\s\S]*?)<\/leerling>/.exec(xml)![1];
  const names = [
    ...leerling.matchAll(/<(?:voornaam|voornamen|roepnaam|achternaam|geboortedatum)>([^<]+)</g),
  ].map(([, name]) => name);
  const bsn = /<bsn>([0-9]+)</.exec(leerling)![1];
  const fileNames = [...xml.matchAll(/<bestandsnaam>([^<]+)</g)].map(([, name]) => name);
  expect(names.length).toBeGreaterThan(0);
  return { bsn, names, fileNames };
}

describe('the dossier rendering API', () => {
  let exchange: Exchange<Vendors>;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    exchange = await startExchange<Vendors>({
      suite: 'rendering',
      vendors: { ...TWO_VENDORS, other: { id: 'other-las' } },
      // One rendering of a vendor at a time: the fairness test fills that share at once.
      env: { RENDERING_POOL_THREADS: '1', RENDERING_POOL_PER_VENDOR: '1' },
    });
  });

  afterAll(() => exchange?.close());

  const logOf = async (versionHash: string, type: string): Promise<LogRow[]> =>
    (
      await exchange.database.query<LogRow>(
        `SELECT id::text, event_type, actor_id, source_school, target_school, transfer_id, version_hash, details
           FROM exchange_log_entries WHERE version_hash = $1 AND event_type = $2 ORDER BY id`,
        [versionHash, type],
      )
    ).rows;

  /** A generated PO dossier of a new pupil with two attachments, and what of it is personal. */
  function poDossier(): { xml: Buffer; pupil: { bsn: string; geboortedatum: string }; personal: Personal } {
    const school = { brin: '00YY', vestiging: '00' };
    const bsn = generateDossier({ profile: 'POVO', seed: ++seed, school }).pupil.bsn as string;
    const pupil = { bsn, geboortedatum: '2014-04-04' };
    const { xml } = generateDossier({
      profile: 'POVO',
      seed,
      school,
      pupil,
      date: DOSSIER_DAY,
      inzage: { datum: INZAGE_DAY },
      attachments: { count: 2 },
    });
    const personal = personalOf(xml);
    expect(personal.fileNames).toHaveLength(2);
    return { xml: Buffer.from(xml, 'utf8'), pupil, personal };
  }

  async function stageAhead(): Promise<{ versionHash: string; personal: Personal }> {
    const { xml, personal } = poDossier();
    const staged = await exchange.clients.po.post('/v1/dossiers', xml);
    expect(staged.status).toBe(201);
    return { versionHash: (staged.body.version as { canonicalSha256: string }).canonicalSha256, personal };
  }

  /** One new entry of `type` for the version, named by the answer's log header, with nothing personal in it. */
  async function expectOneEntry(
    answer: VendorAnswer,
    versionHash: string,
    type: string,
    before: number,
    personal: Personal,
  ): Promise<LogRow> {
    const rows = await logOf(versionHash, type);
    expect(rows).toHaveLength(before + 1);
    const entry = rows[rows.length - 1];
    expect(answer.headers['x-log-entry']).toBe(entry.id);
    const text = JSON.stringify(entry);
    for (const value of [personal.bsn, ...personal.names, ...personal.fileNames]) {
      expect([value, text.includes(value)]).toEqual([value, false]);
    }
    return entry;
  }

  function expectFileHeaders(answer: VendorAnswer, versionHash: string, version: number): void {
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-dossier-version']).toBe(String(version));
    expect(answer.headers['x-dossier-version-hash']).toBe(versionHash);
  }

  function pdfText(pdf: Buffer, name: string): string {
    const file = join(OUTPUT, `${name}.pdf`);
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  }

  it('lets the sender read a version staged ahead, by its hash, before any request; one log entry each', async () => {
    const { versionHash, personal } = await stageAhead();
    const html = await exchange.clients.po.get(`/v1/dossiers/${versionHash}/rendering?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toBe(RENDERED_PAGE_CSP);
    expect(html.headers['content-disposition']).toBe('inline');
    expectFileHeaders(html, versionHash, 1);
    expect(html.raw.toString('utf8')).toContain(versionHash);
    const entry = await expectOneEntry(html, versionHash, 'dossier_rendered', 0, personal);
    expect(entry).toMatchObject({
      actor_id: 'po-las',
      source_school: '00YY00',
      target_school: null,
      transfer_id: null,
      details: { format: 'html', form: 'complete' },
    });

    const pdf = await exchange.clients.po.get(
      `/v1/dossiers/${versionHash}/rendering?format=pdf&form=for-verzorger&verzorger=1`,
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(
      `attachment; filename="dossier-v1-${versionHash.slice(0, 8)}.pdf"`,
    );
    expect(pdf.headers['content-security-policy']).toBeUndefined();
    expectFileHeaders(pdf, versionHash, 1);
    expect(pdf.raw.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(pdf.raw, 'staged-ahead-for-verzorger')).toContain(versionHash.slice(0, 8));
    const pdfEntry = await expectOneEntry(pdf, versionHash, 'dossier_rendered', 1, personal);
    expect(pdfEntry.details).toEqual({ format: 'pdf', form: 'for-verzorger', verzorger: 1 });

    const attachment = await exchange.clients.po.get(`/v1/dossiers/${versionHash}/attachments/2`);
    expect(attachment.status).toBe(200);
    expect(attachment.headers['content-type']).toMatch(/^text\/plain/);
    expect(attachment.headers['content-disposition']).toBe(
      `attachment; filename="${personal.fileNames[1]}"; filename*=UTF-8''${personal.fileNames[1]}`,
    );
    expectFileHeaders(attachment, versionHash, 1);
    const attached = await expectOneEntry(attachment, versionHash, 'attachment_fetched', 0, personal);
    expect(attached.details).toEqual({ attachment: 2 });
  });

  it('keeps a version from vendors without a sending mandate: the receiver and another vendor get 404', async () => {
    const { versionHash } = await stageAhead();
    for (const client of [exchange.clients.vo, exchange.clients.other]) {
      for (const path of [`rendering?format=html`, 'attachments/1']) {
        const answer = await client.get(`/v1/dossiers/${versionHash}/${path}`);
        expect([path, answer.status, answer.body.error]).toEqual([path, 404, 'VERSION_NOT_FOUND']);
      }
    }
    expect(await logOf(versionHash, 'dossier_rendered')).toHaveLength(0);
    expect(await logOf(versionHash, 'attachment_fetched')).toHaveLength(0);
  });

  it('serves the receiver exactly when it may fetch the dossier, and the sender before and after release', async () => {
    const staged = await stagePoDossier(exchange, ++seed);
    const { id, versionHash } = staged;
    const { po, vo, other } = exchange.clients;
    const early = await vo.get(`/v1/transfers/${id}/dossier/rendering?format=html`);
    expect([early.status, early.body.error]).toEqual([409, 'DOSSIER_NOT_RELEASED']);
    const earlyAttachment = await vo.get(`/v1/transfers/${id}/dossier/attachments/1`);
    expect([earlyAttachment.status, earlyAttachment.body.error]).toEqual([409, 'DOSSIER_NOT_RELEASED']);
    // The inzage conversation: the sender reads what the parents will see, before release.
    const inzage = await po.get(
      `/v1/dossiers/${versionHash}/rendering?format=html&form=for-verzorger&verzorger=1`,
    );
    expect(inzage.status).toBe(200);

    await recordInzageByLetter(exchange, staged);
    expect(await releaseFromOutbox(exchange, id)).toEqual(['released']);
    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(200);
    const personal = personalOf(fetched.raw.toString('utf8'));

    const html = await vo.get(
      `/v1/transfers/${id}/dossier/rendering?format=html&form=without-special-categories`,
    );
    expect(html.status).toBe(200);
    expect(html.headers['content-security-policy']).toBe(RENDERED_PAGE_CSP);
    expectFileHeaders(html, versionHash, 1);
    expect(html.raw.toString('utf8')).toContain(versionHash);
    const entry = await expectOneEntry(html, versionHash, 'dossier_rendered', 1, personal);
    expect(entry).toMatchObject({
      actor_id: 'vo-las',
      source_school: '00YY00',
      target_school: '01XZ00',
      transfer_id: id,
      details: { format: 'html', form: 'without-special-categories' },
    });
    const pdf = await vo.get(`/v1/transfers/${id}/dossier/rendering?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.raw.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(pdf.raw, 'released-complete').replace(/\s+/g, '')).toContain(versionHash.slice(0, 8));
    await expectOneEntry(pdf, versionHash, 'dossier_rendered', 2, personal);
    const attachment = await vo.get(`/v1/transfers/${id}/dossier/attachments/1`);
    expect(attachment.status).toBe(200);
    await expectOneEntry(attachment, versionHash, 'attachment_fetched', 0, personal);

    // After release the sender still reads its version; each side only through its own route.
    const after = await po.get(`/v1/dossiers/${versionHash}/rendering?format=pdf`);
    expect(after.status).toBe(200);
    const senderOnReceiverRoute = await po.get(`/v1/transfers/${id}/dossier/rendering?format=html`);
    expect([senderOnReceiverRoute.status, senderOnReceiverRoute.body.error]).toEqual([
      403,
      'ROLE_NOT_ALLOWED',
    ]);
    const receiverOnSenderRoute = await vo.get(`/v1/dossiers/${versionHash}/rendering?format=html`);
    expect([receiverOnSenderRoute.status, receiverOnSenderRoute.body.error]).toEqual([
      404,
      'VERSION_NOT_FOUND',
    ]);
    const stranger = await other.get(`/v1/transfers/${id}/dossier/rendering?format=html`);
    expect([stranger.status, stranger.body.error]).toEqual([404, 'TRANSFER_NOT_FOUND']);
    expect(await logOf(versionHash, 'dossier_rendered')).toHaveLength(4);
  });

  it('answers 409 DOSSIER_PURGED for a retracted version, recording nothing', async () => {
    const { versionHash } = await stageAhead();
    const retracted = await exchange.clients.po.post(`/v1/dossiers/${versionHash}/retraction`, {
      reason: 'wrong_content',
    });
    expect(retracted.status).toBe(200);
    for (const path of ['rendering?format=pdf', 'attachments/1']) {
      const answer = await exchange.clients.po.get(`/v1/dossiers/${versionHash}/${path}`);
      expect([path, answer.status, answer.body.error]).toEqual([path, 409, 'DOSSIER_PURGED']);
      expect(answer.headers['x-log-entry']).toBeUndefined();
    }
    expect(await logOf(versionHash, 'dossier_rendered')).toHaveLength(0);
  });

  it('refuses a bad query (400), a verzorger the dossier lacks (422) and an attachment it lacks (404), recording nothing', async () => {
    const { versionHash } = await stageAhead();
    const base = `/v1/dossiers/${versionHash}`;
    const invalid = [
      `${base}/rendering`,
      `${base}/rendering?format=docx`,
      `${base}/rendering?format=html&form=everything`,
      `${base}/rendering?format=html&form=for-verzorger`,
      `${base}/rendering?format=html&verzorger=1`,
      `${base}/rendering?format=html&form=for-verzorger&verzorger=0`,
      `${base}/rendering?format=html&format=pdf`,
      `${base}/rendering?format=html&colour=blue`,
      `${base}/attachments/0`,
      `${base}/attachments/first`,
      `/v1/dossiers/not-a-hash/rendering?format=html`,
    ];
    for (const path of invalid) {
      const answer = await exchange.clients.po.get(path);
      expect([path, answer.status, answer.body.error]).toEqual([path, 400, 'REQUEST_INVALID']);
    }
    const missing = await exchange.clients.po.get(
      `${base}/rendering?format=html&form=for-verzorger&verzorger=9`,
    );
    expect([missing.status, missing.body.error]).toEqual([422, 'VERZORGER_NOT_IN_DOSSIER']);
    expect(missing.body.message).toContain('position 9');
    const absent = await exchange.clients.po.get(`${base}/attachments/3`);
    expect([absent.status, absent.body.error]).toEqual([404, 'ATTACHMENT_NOT_IN_DOSSIER']);
    expect(await logOf(versionHash, 'dossier_rendered')).toHaveLength(0);
    expect(await logOf(versionHash, 'attachment_fetched')).toHaveLength(0);
  });

  it('refuses renderings beyond a vendor’s share with 503 and Retry-After, and serves other vendors meanwhile', async () => {
    const { versionHash } = await stageAhead();
    // Several PDFs at once from one vendor whose share is one rendering: while the first renders, the
    // rest are refused at once; meanwhile another vendor's request is answered by the event loop.
    const clients = Array.from({ length: 6 }, () => exchange.newClient('po'));
    const witness = exchange.newClient('other');
    try {
      const renderings = clients.map((client) =>
        client.get(`/v1/dossiers/${versionHash}/rendering?format=pdf`),
      );
      const whoami = await witness.get('/v1/whoami');
      expect(whoami.status).toBe(200);
      const answers = await Promise.all(renderings);
      const refused = answers.filter((answer) => answer.status === 503);
      expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused.length + answers.filter((answer) => answer.status === 200).length).toBe(answers.length);
      for (const answer of refused) {
        expect(answer.body.error).toBe('RENDERING_CAPACITY_EXHAUSTED');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
        expect(answer.headers['x-log-entry']).toBeUndefined();
      }
      // Only what was served is on the record.
      expect(await logOf(versionHash, 'dossier_rendered')).toHaveLength(answers.length - refused.length);
    } finally {
      for (const client of [...clients, witness]) client.close();
    }
  });
});
