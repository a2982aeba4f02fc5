import { generateDossier } from '@app/oso-dataset';
import { Client } from 'pg';
import type { INestApplicationContext } from '@nestjs/common';
import { RequestExpirySweep } from '../../../release-worker/src/expiry/request-expiry.sweep';
import { Exchange, TWO_SCHOOLS, startExchange } from '../../../../test/support/exchange-fixture';
import { bsnsIn, expectBsnNotEchoed } from '../../../../test/support/pupil-echo';
import { startReleaseWorker } from '../../../../test/support/release-worker-fixture';
import { VendorClient } from '../../../../test/support/vendor-client';
import {
  POVO_DOSSIER,
  POVO_DOSSIER_BYTES,
  POVO_PUPIL,
  POVO_RECIPE,
} from '../../../../test/support/large-dossiers';

/**
 * The exchange between two LAS vendors over the real broker: mutual TLS with certificates of the test
 * CA, signed requests, the real validation pool and libxml2, PostgreSQL and the vault.
 */
const POVO = POVO_DOSSIER_BYTES;
const PUPIL = POVO_PUPIL;

/**
 * A generated dossier from the primary school 00YY00 (POVO unless told) for this pupil, as its LAS
 * would stage it; `tweak` edits its text for the cases that need a broken one.
 */
/** Replaces exactly one occurrence, so a broken dossier is never silently the unbroken one. */
function mutateOnce(xml: string, from: string | RegExp, to: string): string {
  const pattern = typeof from === 'string' ? from : new RegExp(from.source, 'g');
  const count = typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(pattern) ?? []).length;
  if (count !== 1) throw new Error(`mutation target found ${count} times: ${from}`);
  return xml.replace(from, to);
}

/** Replaces the first occurrence (the school block's, for a school field); throws when there is none. */
function mutateFirst(xml: string, from: string, to: string): string {
  if (!xml.includes(from)) throw new Error(`mutation target not found: ${from}`);
  return xml.replace(from, to);
}

function dossierFor(
  pupil: { bsn: string; geboortedatum: string },
  tweak = (xml: string) => xml,
  recipe: { profile?: string; transferKind?: 'overdrachtbinnenbrin' } = {},
): Buffer {
  return Buffer.from(tweak(generateDossier({ ...POVO_RECIPE, ...recipe, pupil }).xml), 'utf8');
}

describe('the exchange API', () => {
  let exchange: Exchange<'po' | 'vo' | 'other' | 'auditor'>;
  let database: Client;
  let po: VendorClient; // sends for 00YY00 (primary)
  let vo: VendorClient; // receives for 01XZ00 (secondary)
  let other: VendorClient; // receives for 02AB00, sends for 03CD00: no business with the others' transfers
  let auditor: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'exchange',
      schools: [
        ...TWO_SCHOOLS,
        { code: '02AB00', name: 'Ander College', sector: 'VO' },
        { code: '03CD00', name: 'Andere basisschool', sector: 'PO' },
        { code: '04EF00', name: 'Derde basisschool', sector: 'PO' },
      ],
      vendors: {
        // po-las also sends for 04EF00, so it can (wrongly) stage that school's dossier for 00YY00's request.
        po: { id: 'po-las', sends: ['00YY00', '04EF00'] },
        vo: { id: 'vo-las', receives: ['01XZ00'] },
        other: { id: 'other-las', sends: ['03CD00'], receives: ['02AB00'] },
      },
      auditors: { auditor: { name: 'inspectie', supervisory: true } },
      env: { API_MAX_DOSSIER_BYTES: String(1024 * 1024) },
    });
    ({ database } = exchange);
    ({ po, vo, other, auditor } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  const rowCounts = async () => {
    const { rows } = await database.query<{ transfers: string; versions: string; history: string }>(
      `SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM dossier_versions) AS versions,
              (SELECT count(*) FROM transfer_history) AS history`,
    );
    return rows[0];
  };

  /** The VO vendor's request for a pupil of the PO school; its id. */
  const requestFromPrimarySchool = async (pupil: { bsn: string; geboortedatum: string }) =>
    (await vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil })).body
      .id as string;

  /** Stands in for the release worker of the next issue: marks the current version released. */
  const releaseInDatabase = (transferId: string) =>
    database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [transferId],
    );

  describe('request first, then staging', () => {
    let transferId: string;

    it('records the request of the receiving vendor', async () => {
      const response = await vo.post('/v1/transfers', {
        targetSchool: '01XZ00',
        sourceSchool: '00YY00',
        pupil: PUPIL,
        reason: 'overstap',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        state: 'requested',
        roles: ['target'],
        targetSchool: { code: '01XZ00', sector: 'VO' },
        sourceSchool: { code: '00YY00', sector: 'PO' },
        currentVersion: null,
      });
      transferId = response.body.id as string;
      expectBsnNotEchoed(response.sent, response.raw);
    });

    it('shows the request in the sending vendor’s inbox, and finds it by the pupil it knows', async () => {
      const inbox = await po.get('/v1/transfers?role=source&state=requested');
      expect(inbox.status).toBe(200);
      expect((inbox.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual([transferId]);
      const lookup = await po.post('/v1/transfers/lookup', { sourceSchool: '00YY00', pupil: PUPIL });
      expect(lookup.status).toBe(200);
      expect((lookup.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual([transferId]);
      const otherPupil = await po.post('/v1/transfers/lookup', {
        sourceSchool: '00YY00',
        pupil: { bsn: '111222333', geboortedatum: '2003-03-17' },
      });
      expect(otherPupil.body.items).toEqual([]);
    });

    it('stages the sender’s dossier for the request, encrypted, and waits for evidence', async () => {
      const response = await po.put(`/v1/transfers/${transferId}/dossier`, POVO);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        transfers: [transferId],
        version: { version: 1, profile: 'POVO' },
      });
      const view = await vo.get(`/v1/transfers/${transferId}`);
      expect(view.body).toMatchObject({ state: 'awaiting_evidence', currentVersion: { version: 1 } });
      expect((view.body.history as Array<{ event: string }>).map((entry) => entry.event)).toEqual([
        'request',
        'stage_version',
        'await_evidence',
      ]);
      const stored = await database.query<{ ciphertext: Buffer }>(
        'SELECT ciphertext FROM dossier_versions WHERE id = $1',
        [(response.body.version as { id: string }).id],
      );
      expect(stored.rows[0].ciphertext.length).toBeGreaterThanOrEqual(POVO.length);
      expect(stored.rows[0].ciphertext.includes(Buffer.from('<dossier'))).toBe(false);
    });

    it('keeps the dossier from the receiver until it is released', async () => {
      const response = await vo.get(`/v1/transfers/${transferId}/dossier`);
      expect(response.status).toBe(409);
      expect(response.body.error).toBe('DOSSIER_NOT_RELEASED');
    });

    it('keeps every earlier version as it was when a new one is staged', async () => {
      const before = await database.query('SELECT * FROM dossier_versions ORDER BY version');
      const second = dossierFor(PUPIL, (xml) =>
        mutateOnce(xml, /<pakketversie>[^<]*</, '<pakketversie>second upload<'),
      );
      const response = await po.put(`/v1/transfers/${transferId}/dossier`, second);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ version: { version: 2 } });
      const after = await database.query('SELECT * FROM dossier_versions ORDER BY version');
      expect(after.rows).toHaveLength(2);
      expect(after.rows[0]).toEqual(before.rows[0]);
      const view = await vo.get(`/v1/transfers/${transferId}`);
      expect(view.body).toMatchObject({ state: 'awaiting_evidence', currentVersion: { version: 2 } });
    });

    it('gives the receiver, once released, exactly the bytes that were staged; receipt closes it', async () => {
      await releaseInDatabase(transferId);
      const response = await vo.get(`/v1/transfers/${transferId}/dossier`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      const staged = dossierFor(PUPIL, (xml) =>
        mutateOnce(xml, /<pakketversie>[^<]*</, '<pakketversie>second upload<'),
      );
      expect(response.raw.equals(staged)).toBe(true);
      const receipt = await vo.post(`/v1/transfers/${transferId}/receipt`);
      expect(receipt.status).toBe(200);
      expect(receipt.body.state).toBe('received');
      const again = await vo.post(`/v1/transfers/${transferId}/receipt`);
      expect(again.body.state).toBe('received');
      const history = (again.body.history as Array<{ event: string }>).map((entry) => entry.event);
      expect(history.filter((event) => event === 'acknowledge_receipt')).toHaveLength(1);
    });
  });

  describe('staging first, then the request', () => {
    const pupil = { bsn: '111222333', geboortedatum: '2003-05-01' };

    it('matches a dossier staged ahead when the request arrives; it waits for evidence once the sender approves', async () => {
      const staged = await po.send('POST', '/v1/dossiers', dossierFor(pupil));
      expect(staged.status).toBe(201);
      expect(staged.body).toMatchObject({ transfers: [], version: { version: 1 } });
      const request = await vo.post('/v1/transfers', {
        targetSchool: '01XZ00',
        sourceSchool: '00YY00',
        pupil,
      });
      expect(request.status).toBe(201);
      // Matched, but the sender has not named this school: the requester sees a plain request.
      expect(request.body).toMatchObject({ state: 'requested', currentVersion: null });
      const id = request.body.id as string;
      const sender = await po.get(`/v1/transfers/${id}`);
      expect(sender.body).toMatchObject({ state: 'awaiting_approval', currentVersion: { version: 1 } });
      const versionHash = (staged.body.version as { canonicalSha256: string }).canonicalSha256;
      const approved = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash });
      expect(approved.status).toBe(200);
      const view = await vo.get(`/v1/transfers/${id}`);
      expect(view.body).toMatchObject({ state: 'awaiting_evidence', currentVersion: { version: 1 } });
      expect((view.body.history as Array<{ actor: string }>).map((entry) => entry.actor)).toEqual([
        'target_vendor',
        'source_vendor',
        'broker',
      ]);
    });

    it('refuses a second open request for the same pupil and schools', async () => {
      const again = await vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil });
      expect(again.status).toBe(409);
      expect(again.body.error).toBe('TRANSFER_ALREADY_OPEN');
    });
  });

  describe('at the same time', () => {
    it('numbers parallel uploads for one pupil without gaps or doubles, and a racing withdrawal sticks', async () => {
      const pupil = { bsn: '192837400', geboortedatum: '2003-11-11' };
      const transferId = await requestFromPrimarySchool(pupil);
      const uploads = await Promise.all(
        Array.from({ length: 5 }, () => po.put(`/v1/transfers/${transferId}/dossier`, dossierFor(pupil))),
      );
      expect(uploads.map((upload) => upload.status)).toEqual([201, 201, 201, 201, 201]);
      const numbers = uploads.map((upload) => (upload.body.version as { version: number }).version);
      expect([...numbers].sort()).toEqual([1, 2, 3, 4, 5]);
      const [withdrawal, upload] = await Promise.all([
        vo.post(`/v1/transfers/${transferId}/withdrawal`),
        po.put(`/v1/transfers/${transferId}/dossier`, dossierFor(pupil)),
      ]);
      expect(withdrawal.status).toBe(200);
      expect([201, 409]).toContain(upload.status);
      expect((await vo.get(`/v1/transfers/${transferId}`)).body.state).toBe('withdrawn');
    });
  });

  describe('who may see and do what', () => {
    let transferId: string;
    const pupil = { bsn: '123456782', geboortedatum: '2004-01-31' };

    beforeAll(async () => {
      transferId = await requestFromPrimarySchool(pupil);
    });

    it('answers "not found" to a vendor without a mandate for either school, on every transfer route', async () => {
      for (const [method, path, body] of [
        ['GET', `/v1/transfers/${transferId}`],
        ['GET', `/v1/transfers/${transferId}/dossier`],
        ['PUT', `/v1/transfers/${transferId}/dossier`, dossierFor(pupil)],
        ['POST', `/v1/transfers/${transferId}/receipt`, {}],
        ['POST', `/v1/transfers/${transferId}/withdrawal`, {}],
      ] as Array<[string, string, unknown?]>) {
        const response = await other.send(method, path, body);
        expect([method, path, response.status, response.body.error]).toEqual([
          method,
          path,
          404,
          'TRANSFER_NOT_FOUND',
        ]);
      }
      const unknown = await other.get('/v1/transfers/00000000-0000-4000-8000-000000000000');
      expect(unknown.body).toEqual((await other.get(`/v1/transfers/${transferId}`)).body);
      const lists = await other.get('/v1/transfers?role=target');
      expect((lists.body.items as Array<{ id: string }>).map((item) => item.id)).not.toContain(transferId);
    });

    it('lets each side do only its own part', async () => {
      const stageByReceiver = await vo.put(`/v1/transfers/${transferId}/dossier`, dossierFor(pupil));
      expect([stageByReceiver.status, stageByReceiver.body.error]).toEqual([403, 'ROLE_NOT_ALLOWED']);
      for (const path of [`/v1/transfers/${transferId}/receipt`, `/v1/transfers/${transferId}/withdrawal`]) {
        const bySender = await po.post(path);
        expect([path, bySender.status, bySender.body.error]).toEqual([path, 403, 'ROLE_NOT_ALLOWED']);
      }
      const fetchBySender = await po.get(`/v1/transfers/${transferId}/dossier`);
      expect(fetchBySender.status).toBe(403);
    });

    it('refuses requests and uploads for schools the vendor holds no mandate for (on that side)', async () => {
      const asReceiverOfOtherSchool = await vo.post('/v1/transfers', {
        targetSchool: '02AB00',
        sourceSchool: '00YY00',
        pupil,
      });
      expect([asReceiverOfOtherSchool.status, asReceiverOfOtherSchool.body.error]).toEqual([
        403,
        'SCHOOL_NOT_MANDATED',
      ]);
      // po-las sends for 00YY00 but does not receive for it.
      const wrongSide = await po.post('/v1/transfers', {
        targetSchool: '00YY00',
        sourceSchool: '03CD00',
        pupil,
      });
      expect([wrongSide.status, wrongSide.body.error]).toEqual([403, 'SCHOOL_NOT_MANDATED']);
      const stageForOthersSchool = await other.send('POST', '/v1/dossiers', dossierFor(pupil));
      expect([stageForOthersSchool.status, stageForOthersSchool.body.error]).toEqual([
        403,
        'SCHOOL_NOT_MANDATED',
      ]);
    });

    it('keeps each vendor’s lists and lookups to its own schools and side', async () => {
      const lookup = await other.post('/v1/transfers/lookup', { sourceSchool: '00YY00', pupil });
      expect([lookup.status, lookup.body.error]).toEqual([403, 'SCHOOL_NOT_MANDATED']);
      // vo-las receives for 01XZ00 but sends for no school: its source list is empty.
      const asSource = await vo.get('/v1/transfers?role=source');
      expect([asSource.status, asSource.body.items]).toEqual([200, []]);
      const asTarget = await po.get('/v1/transfers?role=target');
      expect([asTarget.status, asTarget.body.items]).toEqual([200, []]);
      const othersInbox = await other.get('/v1/transfers?role=source');
      expect((othersInbox.body.items as Array<{ id: string }>).map((item) => item.id)).not.toContain(
        transferId,
      );
    });

    it('keeps auditors out of transfers', async () => {
      const response = await auditor.get('/v1/transfers?role=target');
      expect([response.status, response.body.error]).toEqual([403, 'VENDOR_ONLY']);
    });

    it('lets the receiver withdraw its request', async () => {
      const response = await vo.post(`/v1/transfers/${transferId}/withdrawal`);
      expect(response.status).toBe(200);
      expect(response.body.state).toBe('withdrawn');
      const stage = await po.put(`/v1/transfers/${transferId}/dossier`, dossierFor(pupil));
      expect([stage.status, stage.body.error]).toEqual([409, 'TRANSFER_STATE_CONFLICT']);
    });
  });

  describe('bad input: a specific error, nothing stored', () => {
    const pupil = { bsn: '999999990', geboortedatum: '2003-09-09' };
    let transferId: string;

    beforeAll(async () => {
      transferId = await requestFromPrimarySchool(pupil);
    });

    it.each([
      [
        'malformed JSON',
        () =>
          vo.send('POST', '/v1/transfers', Buffer.from('{"targetSchool":'), {
            contentType: 'application/json',
          }),
        400,
        'REQUEST_BODY_NOT_JSON',
      ],
      [
        'a missing field',
        () => vo.post('/v1/transfers', { targetSchool: '01XZ00', pupil }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'an unknown field',
        () => vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil, extra: 1 }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'a malformed school code',
        () => vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: 'school', pupil }),
        400,
        'SCHOOL_CODE_INVALID',
      ],
      [
        'an unknown school',
        () => vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '99ZZ00', pupil }),
        422,
        'UNKNOWN_SCHOOL',
      ],
      [
        'a BSN failing the elfproef',
        () =>
          vo.post('/v1/transfers', {
            targetSchool: '01XZ00',
            sourceSchool: '00YY00',
            pupil: { bsn: '123456789', geboortedatum: '2003-09-09' },
          }),
        400,
        'PUPIL_KEY_INVALID',
      ],
      [
        'an unknown reason',
        () =>
          vo.post('/v1/transfers', {
            targetSchool: '01XZ00',
            sourceSchool: '00YY00',
            pupil,
            reason: 'nieuwsgierig',
          }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'a dossier for another pupil',
        () =>
          po.put(
            `/v1/transfers/${transferId}/dossier`,
            dossierFor({ bsn: '111222333', geboortedatum: '2003-09-09' }),
          ),
        422,
        'DOSSIER_PUPIL_MISMATCH',
      ],
      [
        'an invalid dossier',
        () =>
          po.put(
            `/v1/transfers/${transferId}/dossier`,
            dossierFor(pupil, (xml) => mutateOnce(xml, '<inzage>true</inzage>', '<inzage>false</inzage>')),
          ),
        422,
        'DOSSIER_INVALID',
      ],
      [
        'a dossier that is no XML',
        () => po.put(`/v1/transfers/${transferId}/dossier`, Buffer.from('not xml')),
        422,
        'DOSSIER_INVALID',
      ],
      [
        'a dossier sent as JSON',
        () => po.send('PUT', `/v1/transfers/${transferId}/dossier`, { xml: '<dossier/>' }),
        400,
        'DOSSIER_CONTENT_TYPE',
      ],
      [
        'a profile that does not fit the schools',
        () =>
          po.put(
            `/v1/transfers/${transferId}/dossier`,
            // Valid, but a primary-to-primary dossier for a secondary school.
            dossierFor(pupil, undefined, { profile: 'POPO' }),
          ),
        422,
        'PROFILE_MISMATCH',
      ],
      [
        'the same school on both sides',
        () => vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '01XZ00', pupil }),
        400,
        'SAME_SCHOOL',
      ],
      [
        'a dossier from another school than the request’s',
        () =>
          po.put(
            `/v1/transfers/${transferId}/dossier`,
            dossierFor(pupil, (xml) =>
              mutateFirst(xml, '<brincode>00YY</brincode>', '<brincode>04EF</brincode>'),
            ),
          ),
        422,
        'DOSSIER_SCHOOL_MISMATCH',
      ],
      [
        'a dossier without BSN or onderwijsnummer',
        () =>
          // A binnen-BRIN transfer may leave the BSN out (OVa.LL12 is the overstapdossier's rule).
          po.send(
            'POST',
            '/v1/dossiers',
            dossierFor(pupil, (xml) => mutateOnce(xml, /<bsn>[0-9]+<\/bsn>/, ''), {
              transferKind: 'overdrachtbinnenbrin',
            }),
          ),
        422,
        'DOSSIER_PUPIL_KEY_MISSING',
      ],
      [
        'a dossier over API_MAX_DOSSIER_BYTES',
        () =>
          po.put(
            `/v1/transfers/${transferId}/dossier`,
            Buffer.concat([dossierFor(pupil), Buffer.from(`<!--${'x'.repeat(1024 * 1024)}-->`)]),
          ),
        413,
        'REQUEST_BODY_TOO_LARGE',
      ],
      [
        'a JSON body over API_MAX_JSON_BYTES',
        () =>
          vo.post('/v1/transfers', {
            targetSchool: '01XZ00',
            sourceSchool: '00YY00',
            pupil,
            pad: 'x'.repeat(70_000),
          }),
        413,
        'REQUEST_BODY_TOO_LARGE',
      ],
      [
        'an unknown transfer id',
        () => po.put('/v1/transfers/not-a-uuid/dossier', dossierFor(pupil)),
        404,
        'TRANSFER_NOT_FOUND',
      ],
      ['a bad cursor', () => vo.get('/v1/transfers?role=target&cursor=abc'), 400, 'CURSOR_INVALID'],
      ['a bad role', () => vo.get('/v1/transfers?role=owner'), 400, 'REQUEST_INVALID'],
    ])('%s', async (_case, call, status, code) => {
      const before = await rowCounts();
      const response = await call();
      expect([response.status, response.body.error]).toEqual([status, code]);
      expect(typeof response.body.message).toBe('string');
      // Requests without a pupil (a cursor, a role, a dossier without BSN) have no BSN to repeat.
      if (bsnsIn(response.sent).length > 0) expectBsnNotEchoed(response.sent, response.raw);
      expect(await rowCounts()).toEqual(before);
    });

    it('lists what is wrong with an invalid dossier', async () => {
      const response = await po.put(
        `/v1/transfers/${transferId}/dossier`,
        dossierFor(pupil, (xml) => mutateOnce(xml, '<inzage>true</inzage>', '<inzage>false</inzage>')),
      );
      const errors = response.body.errors as Array<{ rule: string; path: string; message: string }>;
      expect(errors.map((error) => error.rule)).toContain('OVa.IZ02');
      expect(errors[0].path).toMatch(/^\/dossier/);
    });
  });

  describe('lists', () => {
    it('pages through a vendor’s transfers with a cursor, newest first', async () => {
      const first = await vo.get('/v1/transfers?role=target&limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await vo.get(
        `/v1/transfers?role=target&limit=2&cursor=${first.body.nextCursor as string}`,
      );
      const ids = [
        ...(first.body.items as Array<{ id: string }>),
        ...(second.body.items as Array<{ id: string }>),
      ].map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      const all = await vo.get('/v1/transfers?role=target&limit=200');
      expect((all.body.items as Array<{ id: string }>).slice(0, ids.length).map((item) => item.id)).toEqual(
        ids,
      );
      const created = (all.body.items as Array<{ createdAt: string }>).map((item) => item.createdAt);
      expect([...created].sort().reverse()).toEqual(created);
    });
  });

  describe('POST /v1/validate (onboarding)', () => {
    it('gives the strict verdict without staging anything or repeating the pupil', async () => {
      const before = await rowCounts();
      const valid = await po.send('POST', '/v1/validate', POVO);
      expect(valid.status).toBe(200);
      expect(valid.body).toMatchObject({ valid: true, ruleSet: 'strict', profile: 'POVO', errors: [] });
      expectBsnNotEchoed(valid.sent, valid.raw);
      const invalid = await other.send(
        'POST',
        '/v1/validate',
        Buffer.from(mutateOnce(POVO.toString('utf8'), '<inzage>true</inzage>', '<inzage>false</inzage>')),
      );
      expect(invalid.status).toBe(200);
      expect(invalid.body.valid).toBe(false);
      expect((invalid.body.errors as Array<{ rule: string }>).map((error) => error.rule)).toContain(
        'OVa.IZ02',
      );
      expect(await rowCounts()).toEqual(before);
    });
  });

  it('stores no plaintext dossier and no BSN anywhere in the database', async () => {
    const { rows } = await database.query<{ dump: string }>(
      `SELECT string_agg(t::text, '|') AS dump FROM (
         SELECT row_to_json(transfers)::text AS t FROM transfers
         UNION ALL SELECT row_to_json(transfer_history)::text FROM transfer_history
         UNION ALL SELECT encode(ciphertext, 'escape') FROM dossier_versions
         UNION ALL SELECT row_to_json(v)::text FROM (SELECT id, pupil_key_hash, profile FROM dossier_versions) v) all_rows`,
    );
    const names = [...POVO_DOSSIER.xml.matchAll(/<(?:voornaam|roepnaam|achternaam)>([^<]+)</g)].map(
      (match) => match[1],
    );
    expect(names.length).toBeGreaterThan(0);
    for (const secret of [PUPIL.bsn, '111222333', '123456782', ...names, '<dossier', 'Testschool']) {
      expect(rows[0].dump.includes(secret)).toBe(false);
    }
  });

  // Last: the sweep's clock runs far ahead, so it expires every request still open in this suite.
  // Expiry is the release worker's (#11): its real module on this suite's database, the sweep driven by hand.
  describe('expiry', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await startReleaseWorker(exchange.databaseUrl);
    });
    afterAll(() => worker?.close());

    it('expires open requests past their deadline, as the broker, and then refuses staging', async () => {
      const pupil = { bsn: '987654305', geboortedatum: '2003-12-12' };
      const transferId = await requestFromPrimarySchool(pupil);
      const { expiresAt } = (await vo.get(`/v1/transfers/${transferId}`)).body as { expiresAt: string };
      const sweep = worker.get(RequestExpirySweep);
      // Nothing is overdue today (the suite's other requests were made seconds ago, with the same lifetime).
      expect(await sweep.sweep(new Date())).toBe(0);
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
      expect(await sweep.sweep(new Date(new Date(expiresAt).getTime() + 1000))).toBeGreaterThanOrEqual(1);
      const view = await vo.get(`/v1/transfers/${transferId}`);
      expect(view.body.state).toBe('expired');
      expect((view.body.history as Array<{ event: string; actor: string }>).at(-1)).toMatchObject({
        event: 'expire',
        actor: 'broker',
      });
      const stage = await po.put(`/v1/transfers/${transferId}/dossier`, dossierFor(pupil));
      expect([stage.status, stage.body.error]).toEqual([409, 'TRANSFER_STATE_CONFLICT']);
      // Finished transfers stay as they were.
      const states = await database.query<{ state: string }>(`SELECT DISTINCT state FROM transfers`);
      expect(states.rows.map((row) => row.state).sort()).toEqual(['expired', 'received', 'withdrawn']);
    });
  });
});
