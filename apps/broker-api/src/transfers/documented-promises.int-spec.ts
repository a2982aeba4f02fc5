import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { INestApplicationContext } from '@nestjs/common';
import { RequestExpirySweep } from '../../../release-worker/src/expiry/request-expiry.sweep';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { Exchange, schoolPair, startExchange } from '../../../../test/support/exchange-fixture';
import { startReleaseWorker } from '../../../../test/support/release-worker-fixture';
import { TestPki } from '../../../../test/support/test-pki';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * What docs/api-guide.md promises about the exchange beyond its happy path, each on the real broker: the
 * fetch's version headers, a purged dossier, the page size limit, the request lifetime and the timer
 * that expires requests, and a mandate that ends.
 */
const LIFETIME_DAYS = 3;
const DAY_MS = 86_400_000;
const SOURCE = sendingSchoolOf(POVO_EXAMPLE); // the example's own (primary) school
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const LEAVING_TARGET = SOURCE === '03AB00' ? '04AB00' : '03AB00';
const [PUPIL_BSN, ...MORE_BSNS] = validBsns(80, 21_000_000);
const pupil = (bsn: string) => ({ bsn, geboortedatum: '2014-05-01' });

describe('documented promises of the exchange', () => {
  let exchange: Exchange<'po' | 'vo' | 'leaving'>;
  let pki: TestPki;
  let database: Client;
  let po: VendorClient;
  let vo: VendorClient;
  let leaving: VendorClient;
  let bsns: string[];

  beforeAll(async () => {
    const pair = schoolPair(SOURCE, TARGET);
    exchange = await startExchange({
      suite: 'promises',
      schools: [...pair.schools, { code: LEAVING_TARGET, name: 'Tweede college', sector: 'VO' }],
      vendors: { ...pair.vendors, leaving: { id: 'leaving-las' } },
      env: { TRANSFER_REQUEST_LIFETIME_DAYS: String(LIFETIME_DAYS) },
    });
    ({ pki, database } = exchange);
    ({ po, vo, leaving } = exchange.clients);
    bsns = [...MORE_BSNS];
  });

  afterAll(() => exchange?.close());

  const nextBsn = () => bsns.shift()!;
  const request = async (bsn = nextBsn(), by = vo, target = TARGET) => {
    const answer = await by.post('/v1/transfers', {
      targetSchool: target,
      sourceSchool: SOURCE,
      pupil: pupil(bsn),
    });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; createdAt: string; expiresAt: string };
  };
  const stateOf = async (id: string) => (await vo.get(`/v1/transfers/${id}`)).body.state;
  /** Stands in for the release worker of a later issue: marks the current version released. */
  const releaseInDatabase = (id: string) =>
    database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [id],
    );

  describe('fetching a released dossier', () => {
    it('names the released version and the SHA-256 of exactly the bytes sent in X-Dossier-*', async () => {
      const { id } = await request(PUPIL_BSN);
      const first = dossierForPupil(POVO_EXAMPLE, pupil(PUPIL_BSN));
      const second = dossierForPupil(POVO_EXAMPLE, pupil(PUPIL_BSN), (xml) =>
        xml.replace('<pakketversie>1<', '<pakketversie>2<'),
      );
      expect(first.equals(second)).toBe(false);
      for (const dossier of [first, second]) {
        expect((await po.put(`/v1/transfers/${id}/dossier`, dossier)).status).toBe(201);
      }
      await releaseInDatabase(id);
      const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
      expect(fetched.status).toBe(200);
      expect(fetched.raw.equals(second)).toBe(true);
      const sha256 = createHash('sha256').update(second).digest('hex');
      expect([fetched.headers['x-dossier-version'], fetched.headers['x-dossier-sha256']]).toEqual([
        '2',
        sha256,
      ]);
      expect(fetched.headers['cache-control']).toBe('no-store');
      const view = await vo.get(`/v1/transfers/${id}`);
      expect(view.body.currentVersion).toMatchObject({ version: 2, contentSha256: sha256 });
    });

    it('answers 409 DOSSIER_PURGED once the payload is destroyed after retention', async () => {
      const bsn = nextBsn();
      const { id } = await request(bsn);
      expect(
        (await po.put(`/v1/transfers/${id}/dossier`, dossierForPupil(POVO_EXAMPLE, pupil(bsn)))).status,
      ).toBe(201);
      await releaseInDatabase(id);
      expect((await vo.post(`/v1/transfers/${id}/receipt`)).body.state).toBe('received');
      // Stands in for the retention job of a later issue: the payload goes, then the transfer is purged.
      await database.query(
        `UPDATE dossier_versions SET purged_at = now(), ciphertext = NULL, iv = NULL, auth_tag = NULL,
           wrapped_key = NULL, wrap_iv = NULL, wrap_tag = NULL, sealed_gate_facts = NULL
         WHERE id = (SELECT released_version_id FROM transfers WHERE id = $1)`,
        [id],
      );
      const versionGone = await vo.get(`/v1/transfers/${id}/dossier`);
      expect([versionGone.status, versionGone.body.error]).toEqual([409, 'DOSSIER_PURGED']);
      await database.query(`UPDATE transfers SET state = 'purged' WHERE id = $1`, [id]);
      const transferPurged = await vo.get(`/v1/transfers/${id}/dossier`);
      expect([transferPurged.status, transferPurged.body.error]).toEqual([409, 'DOSSIER_PURGED']);
      expect(transferPurged.body.message).toMatch(/purged/);
    });
  });

  describe('lists', () => {
    it('serves a page of up to 200 (default 50) and refuses limit=201 with 400 REQUEST_INVALID', async () => {
      for (let index = 0; index < 55; index += 1) await request();
      const all = (await database.query<{ count: string }>(`SELECT count(*) FROM transfers`)).rows[0].count;
      expect(Number(all)).toBeGreaterThan(50);
      const byDefault = await vo.get('/v1/transfers?role=target');
      expect([byDefault.status, (byDefault.body.items as unknown[]).length]).toEqual([200, 50]);
      expect(byDefault.body.nextCursor).toEqual(expect.any(String));
      const largest = await vo.get('/v1/transfers?role=target&limit=200');
      expect([largest.status, (largest.body.items as unknown[]).length]).toEqual([200, Number(all)]);
      expect(largest.body.nextCursor).toBeNull();
      for (const limit of ['201', '0', '1000']) {
        const refused = await vo.get(`/v1/transfers?role=target&limit=${limit}`);
        expect([limit, refused.status, refused.body.error]).toEqual([limit, 400, 'REQUEST_INVALID']);
        expect(refused.body.message).toMatch(/limit/);
      }
    });
  });

  describe('a mandate that ends', () => {
    it('leaves the vendor unable to act for the school from its end on: 403 for new steps, 404 for its transfers', async () => {
      // Long enough for the grant, a request and a read on a busy two-core machine; then it ends.
      const until = new Date(Date.now() + 6_000);
      await pki.registry.grantMandate({
        schoolCode: LEAVING_TARGET,
        vendorId: 'leaving-las',
        side: 'target',
        validUntil: until,
      });
      const { id } = await request(nextBsn(), leaving, LEAVING_TARGET);
      expect((await leaving.get(`/v1/transfers/${id}`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, until.getTime() - Date.now() + 100));
      const whoami = await leaving.get('/v1/whoami');
      expect(whoami.body.mandatedSchools).toEqual([]);
      const again = await leaving.post('/v1/transfers', {
        targetSchool: LEAVING_TARGET,
        sourceSchool: SOURCE,
        pupil: pupil(nextBsn()),
      });
      expect([again.status, again.body.error]).toEqual([403, 'SCHOOL_NOT_MANDATED']);
      for (const [method, path] of [
        ['GET', `/v1/transfers/${id}`],
        ['POST', `/v1/transfers/${id}/withdrawal`],
      ]) {
        const answer = await leaving.send(method, path, method === 'POST' ? {} : undefined);
        expect([method, answer.status, answer.body.error]).toEqual([method, 404, 'TRANSFER_NOT_FOUND']);
      }
      expect((await leaving.get('/v1/transfers?role=target')).body.items).toEqual([]);
      // The transfer itself goes on: the sending side still sees it open.
      const inbox = await po.get('/v1/transfers?role=source&state=requested&limit=200');
      expect((inbox.body.items as Array<{ id: string }>).map((item) => item.id)).toContain(id);
    });
  });

  // Expiry is the release worker's (#11): its real module, its timer every second, on this suite's database.
  describe('expiry', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await startReleaseWorker(exchange.databaseUrl, { TRANSFER_EXPIRY_SWEEP_SECONDS: '1' });
    });
    afterAll(() => worker?.close());

    it('moves a request past its deadline to expired on the running release worker’s own timer', async () => {
      const overdue = await request();
      const current = await request();
      // Time passes for one request only: its deadline is moved into the past, as days going by would.
      await database.query(`UPDATE transfers SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        overdue.id,
      ]);
      const deadline = Date.now() + 10_000;
      while ((await stateOf(overdue.id)) !== 'expired' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const view = await vo.get(`/v1/transfers/${overdue.id}`);
      expect(view.body.state).toBe('expired');
      expect((view.body.history as Array<{ event: string; actor: string }>).at(-1)).toMatchObject({
        event: 'expire',
        actor: 'broker',
      });
      expect(await stateOf(current.id)).toBe('requested');
    });

    // Last: the sweep runs with a clock days ahead, so it expires every request still open in this suite.
    it('gives a request TRANSFER_REQUEST_LIFETIME_DAYS to live, and not a second more', async () => {
      const { id, createdAt, expiresAt } = await request();
      expect(new Date(expiresAt).getTime() - new Date(createdAt).getTime()).toBe(LIFETIME_DAYS * DAY_MS);
      const sweep = worker.get(RequestExpirySweep);
      await sweep.sweep(new Date(new Date(expiresAt).getTime() - 1000));
      expect(await stateOf(id)).toBe('requested');
      expect(await sweep.sweep(new Date(new Date(expiresAt).getTime() + 1000))).toBeGreaterThanOrEqual(1);
      expect(await stateOf(id)).toBe('expired');
    });
  });
});
