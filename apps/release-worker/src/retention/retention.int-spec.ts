import { generateDossier } from '@app/oso-dataset';
import { TEST_BOARD } from '../../../../test/support/school-boards';
import { releaseQueuedTransfer } from '@app/transfers';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { DossierVault } from '@app/vault';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { startReleaseWorker } from '../../../../test/support/release-worker-fixture';
import { VendorClient } from '../../../../test/support/vendor-client';
import { RequestExpirySweep } from '../expiry/request-expiry.sweep';
import { RetentionSweep } from './retention.sweep';

/**
 * Retention on the real broker, PostgreSQL and the release worker's real module (as the runtime role):
 * each term destroys exactly the right keys, not a day earlier, each with its log entry; the transfers
 * left without a payload are purged; metadata goes after the board's term and not before, through the
 * database function only. Sweeps are driven by hand with a clock `now` that stands for the days passing;
 * the metadata term is checked at the database's own clock, so those tests move stored dates back.
 */
const INZAGE_DAY = '2026-10-01';
const DAY = 86_400_000;
const PO_SCHOOL = { brin: '00YY', vestiging: '00' };
const VO_SCHOOL = { brin: '05GH', vestiging: '00' };

let seed = 900;

function dossier(profile: 'POVO' | 'VOVO', bsnSeed: number, date = '2026-10-15') {
  const school = profile === 'POVO' ? PO_SCHOOL : VO_SCHOOL;
  const bsn = generateDossier({ profile, seed: bsnSeed, school }).pupil.bsn as string;
  const pupil = { bsn, geboortedatum: '2014-04-04' };
  const { xml } = generateDossier({
    profile,
    seed: bsnSeed,
    school,
    pupil,
    date,
    inzage: { datum: INZAGE_DAY, toestemming: profile === 'VOVO' ? 'Ja' : undefined },
  });
  return { bytes: Buffer.from(xml, 'utf8'), pupil, source: `${school.brin}${school.vestiging}` };
}

describe('retention: no payload outlives its purpose', () => {
  let exchange: Exchange<'po' | 'vo' | 'vosend'>;
  let database: Client;
  let worker: INestApplicationContext;
  let retention: RetentionSweep;
  let po: VendorClient;
  let vo: VendorClient;
  let vosend: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'retention',
      schools: [
        { code: '00YY00', name: 'Testschool', sector: 'PO' },
        { code: '01XZ00', name: 'Het College', sector: 'VO' },
        { code: '05GH00', name: 'Het Lyceum', sector: 'VO' },
        { code: '07SO00', name: 'De Speciale School', sector: 'VSO' },
      ],
      vendors: {
        po: { id: 'po-las', sends: ['00YY00'] },
        vo: { id: 'vo-las', receives: ['01XZ00', '07SO00'] },
        vosend: { id: 'vo-send-las', sends: ['05GH00'] },
      },
    });
    ({ database } = exchange);
    ({ po, vo, vosend } = exchange.clients);
    worker = await startReleaseWorker(exchange.databaseUrl);
    retention = worker.get(RetentionSweep);
  });

  afterAll(async () => {
    await worker?.close();
    await exchange?.close();
  });

  /** A request from `target` and the sender's dossier staged for it. */
  async function staged(profile: 'POVO' | 'VOVO' = 'POVO', target = '01XZ00') {
    const { bytes, pupil, source } = dossier(profile, ++seed);
    const requested = await vo.post('/v1/transfers', { targetSchool: target, sourceSchool: source, pupil });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const put = await (profile === 'POVO' ? po : vosend).put(`/v1/transfers/${id}/dossier`, bytes);
    expect(put.status).toBe(201);
    const versionHash = (put.body.version as { canonicalSha256: string }).canonicalSha256;
    return { id, versionHash, versionId: await currentVersion(id), pupil, target, seed };
  }

  const inzage = (versionHash: string, target = '01XZ00') => ({
    kind: 'inzage',
    versionHash,
    receivingSchool: target,
    date: INZAGE_DAY,
    givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
    how: 'letter',
  });

  /** A PO transfer released by the worker's own step (inzage recorded, the gate asked again). */
  async function released(target = '01XZ00') {
    const transfer = await staged('POVO', target);
    const answer = await po.post(
      `/v1/transfers/${transfer.id}/evidence`,
      inzage(transfer.versionHash, target),
    );
    expect(answer.body.transferState).toBe('release_queued');
    const outcome = await releaseQueuedTransfer(
      worker.get(DataSource),
      worker.get(DossierVault),
      TRANSFER_LOG_RECORDER,
      { transferId: transfer.id, versionHash: transfer.versionHash },
      new Date(),
    );
    expect(outcome).toBe('released');
    return transfer;
  }

  async function currentVersion(id: string): Promise<string> {
    const { rows } = await database.query('SELECT current_version_id FROM transfers WHERE id = $1', [id]);
    return rows[0].current_version_id as string;
  }
  const stateOf = async (id: string) =>
    (await database.query('SELECT state FROM transfers WHERE id = $1', [id])).rows[0]?.state as
      string | undefined;
  /** Whether the version still holds its key and ciphertext; asserts the purge left nothing half. */
  async function payloadLive(versionId: string): Promise<boolean> {
    const { rows } = await database.query(
      `SELECT purged_at, ciphertext IS NULL AND iv IS NULL AND auth_tag IS NULL AND wrapped_key IS NULL
              AND wrap_iv IS NULL AND wrap_tag IS NULL AND kek_id IS NULL AS gone
         FROM dossier_versions WHERE id = $1`,
      [versionId],
    );
    if (rows[0].purged_at === null) return true;
    expect(rows[0].gone).toBe(true);
    return false;
  }
  const purgeEntries = async (versionHash: string) =>
    (
      await database.query<{ transfer_id: string | null; target_school: string | null; details: unknown }>(
        `SELECT transfer_id, target_school, details FROM exchange_log_entries
          WHERE event_type = 'payload_purged' AND version_hash = $1`,
        [versionHash],
      )
    ).rows;
  const purgeSteps = async (id: string) =>
    Number(
      (
        await database.query(
          `SELECT count(*) AS n FROM exchange_log_entries
            WHERE transfer_id = $1 AND event_type = 'state_changed' AND details->>'event' = 'purge'`,
          [id],
        )
      ).rows[0].n,
    );
  const sweepAt = (ms: number) => retention.sweep(new Date(ms));

  it('destroys a received version’s key 14 days after receipt, not a day earlier; the transfer is purged', async () => {
    const { id, versionId, versionHash } = await released();
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
    expect((await vo.post(`/v1/transfers/${id}/receipt`)).body.state).toBe('received');
    const receivedBy = Date.now();
    await sweepAt(receivedBy + 13 * DAY);
    expect(await payloadLive(versionId)).toBe(true);
    expect(await stateOf(id)).toBe('received');
    await sweepAt(receivedBy + 14 * DAY + 1000);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await stateOf(id)).toBe('purged');
    expect(await purgeEntries(versionHash)).toEqual([
      { transfer_id: id, target_school: '01XZ00', details: { reason: 'received', termDays: 14 } },
    ]);
    expect(await purgeSteps(id)).toBe(1);
    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect([fetched.status, fetched.body.error]).toEqual([409, 'DOSSIER_PURGED']);
    // A later sweep finds nothing more to do for it.
    await sweepAt(receivedBy + 15 * DAY);
    expect(await purgeEntries(versionHash)).toHaveLength(1);
    expect(await purgeSteps(id)).toBe(1);
  });

  it('destroys a released payload never acknowledged after 90 days; the fetch then answers DOSSIER_PURGED', async () => {
    const { id, versionId, versionHash } = await released();
    const releasedBy = Date.now();
    await sweepAt(releasedBy + 89 * DAY);
    expect(await payloadLive(versionId)).toBe(true);
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
    await sweepAt(releasedBy + 90 * DAY + 1000);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await stateOf(id)).toBe('purged');
    expect((await purgeEntries(versionHash))[0].details).toEqual({
      reason: 'release_unacknowledged',
      termDays: 90,
    });
    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect([fetched.status, fetched.body.error]).toEqual([409, 'DOSSIER_PURGED']);
  });

  it('destroys a blocked version 30 days after the block; the blocked transfer is purged', async () => {
    const { id, versionId, versionHash } = await staged('VOVO');
    expect((await vosend.post(`/v1/transfers/${id}/evidence`, inzage(versionHash))).status).toBe(201);
    const refused = await vosend.post(`/v1/transfers/${id}/evidence`, {
      kind: 'consent',
      versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      decision: 'refused',
      by: { role: 'parent_with_gezag', ref: 'ouder-1' },
      form: 'signed_declaration',
      declaration: { sha256: 'ab'.repeat(32), mediaType: 'application/pdf' },
    });
    expect(refused.body.transferState).toBe('blocked');
    const blockedBy = Date.now();
    await sweepAt(blockedBy + 29 * DAY);
    expect(await payloadLive(versionId)).toBe(true);
    expect(await stateOf(id)).toBe('blocked');
    await sweepAt(blockedBy + 30 * DAY + 1000);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await stateOf(id)).toBe('purged');
    expect((await purgeEntries(versionHash))[0].details).toEqual({ reason: 'blocked', termDays: 30 });
  });

  it('destroys a withdrawn request’s version at once (term 0), not before the withdrawal', async () => {
    const { id, versionId, versionHash } = await staged();
    const before = Date.now();
    expect((await vo.post(`/v1/transfers/${id}/withdrawal`, {})).body.state).toBe('withdrawn');
    await sweepAt(before - 1000);
    expect(await payloadLive(versionId)).toBe(true);
    await sweepAt(Date.now() + 1000);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await stateOf(id)).toBe('purged');
    expect((await purgeEntries(versionHash))[0].details).toEqual({ reason: 'withdrawn', termDays: 0 });
  });

  it('destroys a superseded version 30 days after the newer one, and keeps the one the request waits on', async () => {
    const first = await staged();
    const { bytes } = dossier('POVO', first.seed, '2026-10-20');
    const put = await po.put(`/v1/transfers/${first.id}/dossier`, bytes);
    expect(put.status).toBe(201);
    const secondId = await currentVersion(first.id);
    expect(secondId).not.toBe(first.versionId);
    const supersededBy = Date.now();
    await sweepAt(supersededBy + 29 * DAY);
    expect(await payloadLive(first.versionId)).toBe(true);
    await sweepAt(supersededBy + 30 * DAY + 1000);
    expect(await payloadLive(first.versionId)).toBe(false);
    expect(await payloadLive(secondId)).toBe(true);
    expect(await stateOf(first.id)).toBe('awaiting_evidence');
    expect(await purgeEntries(first.versionHash)).toEqual([
      { transfer_id: null, target_school: null, details: { reason: 'superseded', termDays: 30 } },
    ]);
  });

  it('destroys a version staged ahead that no request claimed after 60 days', async () => {
    const { bytes } = dossier('POVO', ++seed);
    const ahead = await po.post('/v1/dossiers', bytes);
    expect(ahead.status).toBe(201);
    const versionHash = (ahead.body.version as { canonicalSha256: string }).canonicalSha256;
    const { rows } = await database.query('SELECT id FROM dossier_versions WHERE canonical_sha256 = $1', [
      versionHash,
    ]);
    const versionId = rows[0].id as string;
    const stagedBy = Date.now();
    await sweepAt(stagedBy + 59 * DAY);
    expect(await payloadLive(versionId)).toBe(true);
    await sweepAt(stagedBy + 60 * DAY + 1000);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await purgeEntries(versionHash)).toEqual([
      { transfer_id: null, target_school: null, details: { reason: 'unclaimed', termDays: 60 } },
    ]);
  });

  it('keeps a version staged ahead once a request claimed it, past the unclaimed term', async () => {
    const { bytes, pupil, source } = dossier('POVO', ++seed);
    const ahead = await po.post('/v1/dossiers', bytes);
    expect(ahead.status).toBe(201);
    const requested = await vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: source, pupil });
    expect(requested.status).toBe(201);
    const versionId = await currentVersion(requested.body.id as string);
    expect(versionId).not.toBeNull();
    await sweepAt(Date.now() + 61 * DAY);
    expect(await payloadLive(versionId)).toBe(true);
  });

  it('expires in the release worker, then destroys the expired request’s version (term 0)', async () => {
    const { id, versionId, versionHash } = await staged();
    const { rows } = await database.query('SELECT expires_at FROM transfers WHERE id = $1', [id]);
    const overdue = new Date((rows[0].expires_at as Date).getTime() + 1000);
    // Open until it expires: the sweep at the deadline leaves it.
    await retention.sweep(overdue);
    expect(await payloadLive(versionId)).toBe(true);
    expect(await worker.get(RequestExpirySweep).sweep(overdue)).toBeGreaterThanOrEqual(1);
    expect(await stateOf(id)).toBe('expired');
    await retention.sweep(overdue);
    expect(await payloadLive(versionId)).toBe(false);
    expect(await stateOf(id)).toBe('purged');
    expect((await purgeEntries(versionHash))[0].details).toEqual({ reason: 'expired', termDays: 0 });
  });

  it('two release workers sweeping at once expire, destroy and purge each thing once', async () => {
    const second = await startReleaseWorker(exchange.databaseUrl);
    try {
      const transfers = [await staged(), await staged(), await staged()];
      const { rows } = await database.query(
        'SELECT max(expires_at) AS at FROM transfers WHERE id = ANY($1)',
        [transfers.map((transfer) => transfer.id)],
      );
      const overdue = new Date((rows[0].at as Date).getTime() + 1000);
      const expired = await Promise.all(
        [worker, second].map((each) => each.get(RequestExpirySweep).sweep(overdue)),
      );
      expect(expired[0] + expired[1]).toBeGreaterThanOrEqual(transfers.length);
      const rounds = await Promise.all(
        [worker, second].map((each) => each.get(RetentionSweep).sweep(overdue)),
      );
      expect(rounds[0].payloads + rounds[1].payloads).toBeGreaterThanOrEqual(transfers.length);
      for (const { id, versionId, versionHash } of transfers) {
        expect(await payloadLive(versionId)).toBe(false);
        expect(await purgeEntries(versionHash)).toHaveLength(1);
        expect(await purgeSteps(id)).toBe(1);
        const { rows: expiries } = await database.query(
          `SELECT count(*)::int AS n FROM exchange_log_entries WHERE transfer_id = $1 AND event_type = 'expired'`,
          [id],
        );
        expect(expiries[0].n).toBe(1);
      }
    } finally {
      await second.close();
    }
  });

  describe('metadata and evidence after the board’s term', () => {
    /** Time passes for one transfer: its stored dates move back (the term is checked at the database's clock). */
    const monthsPass = (id: string, months: number) =>
      database.query(
        `UPDATE transfer_history SET at = at - make_interval(months => $2) WHERE transfer_id = $1`,
        [id, months],
      );
    async function purgedTransfer(target = '01XZ00') {
      const transfer = await released(target);
      expect((await vo.post(`/v1/transfers/${transfer.id}/receipt`)).body.state).toBe('received');
      await sweepAt(Date.now() + 15 * DAY);
      expect(await stateOf(transfer.id)).toBe('purged');
      return transfer;
    }
    const rowsOf = async (id: string, versionId: string) => {
      const { rows } = await database.query(
        `SELECT (SELECT count(*) FROM transfers WHERE id = $1)::int AS transfers,
                (SELECT count(*) FROM transfer_history WHERE transfer_id = $1)::int AS history,
                (SELECT count(*) FROM evidence_records WHERE transfer_id = $1)::int AS evidence,
                (SELECT count(*) FROM release_outbox WHERE transfer_id = $1)::int AS outbox,
                (SELECT count(*) FROM notification_outbox WHERE transfer_id = $1)::int AS notifications,
                (SELECT count(*) FROM recall_notices WHERE transfer_id = $1)::int AS recalls,
                (SELECT count(*) FROM dossier_versions WHERE id = $2)::int AS versions,
                (SELECT count(*) FROM exchange_log_entries WHERE transfer_id = $1)::int AS log`,
        [id, versionId],
      );
      return rows[0] as Record<
        'transfers' | 'history' | 'evidence' | 'outbox' | 'notifications' | 'recalls' | 'versions' | 'log',
        number
      >;
    };
    const deletionEntries = async (id: string) =>
      (
        await database.query(
          `SELECT details FROM exchange_log_entries WHERE transfer_id = $1 AND event_type = 'metadata_deleted'`,
          [id],
        )
      ).rows.map((row) => row.details as Record<string, number>);

    it('deletes a purged transfer’s rows 24 months after release, not before; the log stays', async () => {
      // Both vendors listen, and the sender recalls the version: the transfer's notification and recall
      // notice rows go with it too.
      for (const vendor of ['po-las', 'vo-las']) {
        await exchange.pki.registry.setVendorWebhook({ id: vendor, url: `https://${vendor}.example/hooks` });
      }
      let transfer: Awaited<ReturnType<typeof released>>;
      try {
        transfer = await released('01XZ00');
        expect((await vo.post(`/v1/transfers/${transfer.id}/receipt`)).body.state).toBe('received');
        const recall = await po.post(`/v1/transfers/${transfer.id}/recall`, {
          versionHash: transfer.versionHash,
          reason: 'wrong_content',
        });
        expect(recall.status).toBe(200);
      } finally {
        for (const vendor of ['po-las', 'vo-las']) {
          await exchange.pki.registry.setVendorWebhook({ id: vendor, url: null });
        }
      }
      const { id, versionId } = transfer;
      // With the webhooks cleared the worker dead-letters the three at once (`no_webhook`), each a log entry:
      // wait for that, so the log's count below changes only by the deletion's own entry.
      for (let round = 0; ; round++) {
        const { rows } = await database.query(
          'SELECT count(*)::int AS n FROM notification_outbox WHERE transfer_id = $1 AND dead_at IS NULL',
          [id],
        );
        if (rows[0].n === 0) break;
        if (round > 300) throw new Error('the worker did not dead-letter the notifications');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await sweepAt(Date.now() + 15 * DAY);
      expect(await stateOf(id)).toBe('purged');
      const before = await rowsOf(id, versionId);
      expect(before).toMatchObject({
        transfers: 1,
        evidence: 1,
        outbox: 1,
        notifications: 3,
        recalls: 1,
        versions: 1,
      });
      await monthsPass(id, 23);
      // A clock far ahead changes nothing: the database's own clock decides.
      expect((await sweepAt(Date.now() + 5 * 365 * DAY)).metadata).toBe(0);
      expect((await rowsOf(id, versionId)).transfers).toBe(1);
      await monthsPass(id, 1);
      await sweepAt(Date.now());
      const after = await rowsOf(id, versionId);
      expect(after).toEqual({
        transfers: 0,
        history: 0,
        evidence: 0,
        outbox: 0,
        notifications: 0,
        recalls: 0,
        versions: 0,
        log: before.log + 1,
      });
      expect(await deletionEntries(id)).toEqual([
        { termMonths: 24, historyRows: before.history, evidenceRecords: 1, versions: 1 },
      ]);
    });

    it('keeps a transfer to special education (SO/VSO) 36 months', async () => {
      const { id, versionId } = await purgedTransfer('07SO00');
      await monthsPass(id, 35);
      await sweepAt(Date.now());
      expect((await rowsOf(id, versionId)).transfers).toBe(1);
      await monthsPass(id, 1);
      await sweepAt(Date.now());
      expect((await rowsOf(id, versionId)).transfers).toBe(0);
      expect((await deletionEntries(id))[0].termMonths).toBe(36);
    });

    it('the runtime role still cannot DELETE, nor make the function delete early', async () => {
      const { id, versionId } = await purgedTransfer();
      const runtime = worker.get(DataSource);
      for (const statement of [
        'DELETE FROM transfers WHERE id = $1',
        'DELETE FROM transfer_history WHERE transfer_id = $1',
        'DELETE FROM evidence_records WHERE transfer_id = $1',
        'DELETE FROM dossier_versions WHERE id = (SELECT released_version_id FROM transfers WHERE id = $1)',
      ]) {
        const code = await runtime.query(statement, [id]).then(
          () => 'allowed',
          (error: { code?: string }) => error.code,
        );
        expect([statement, code]).toEqual([statement, '42501']);
      }
      // Terms of 0 months and a clock ten years ahead: the floor and the database's clock hold.
      const answer = await runtime.query(
        `SELECT * FROM delete_transfer_metadata($1, 0, 0, now() + interval '10 years')`,
        [id],
      );
      expect(answer).toEqual([]);
      expect((await rowsOf(id, versionId)).transfers).toBe(1);
    });

    it('deletes the row of a purged version no transfer ever used 24 months after its purge', async () => {
      const { bytes } = dossier('POVO', ++seed);
      const ahead = await po.post('/v1/dossiers', bytes);
      const versionHash = (ahead.body.version as { canonicalSha256: string }).canonicalSha256;
      await sweepAt(Date.now() + 61 * DAY);
      // A second more than the months: the sweep's clock (Date.now) has whole milliseconds, PostgreSQL's
      // microseconds, so "exactly 24 months ago" could still lie a fraction of a millisecond ahead of it.
      const purgedAgo = (months: number) =>
        database.query(
          `UPDATE dossier_versions SET purged_at = now() - make_interval(months => $2) - interval '1 second'
            WHERE canonical_sha256 = $1 RETURNING id`,
          [versionHash, months],
        );
      expect((await purgedAgo(23)).rowCount).toBe(1);
      await sweepAt(Date.now());
      expect((await purgedAgo(24)).rowCount).toBe(1);
      await sweepAt(Date.now());
      expect((await purgedAgo(24)).rowCount).toBe(0);
      const { rows } = await database.query(
        `SELECT transfer_id, target_school, source_school, details FROM exchange_log_entries
          WHERE event_type = 'metadata_deleted' AND version_hash = $1`,
        [versionHash],
      );
      expect(rows).toEqual([
        {
          transfer_id: null,
          target_school: null,
          source_school: '00YY00',
          details: { termMonths: 24, historyRows: 0, evidenceRecords: 0, versions: 1 },
        },
      ]);
    });

    // Last: the instruction holds for the whole test board.
    it('takes the term the sending school’s board set (18 months)', async () => {
      const { id, versionId } = await purgedTransfer();
      await database.query(
        `INSERT INTO board_instructions (id, bevoegd_gezag, kind, after_release_months, special_education_months,
                                         effective_from, recorded_at, recorded_by_vendor_id, certificate_fingerprint)
         VALUES (gen_random_uuid(), $1, 'metadata_retention', 18, 30, '2020-01-01', now(), 'po-las', $2)`,
        [TEST_BOARD, 'ab'.repeat(32)],
      );
      await monthsPass(id, 17);
      await sweepAt(Date.now());
      expect((await rowsOf(id, versionId)).transfers).toBe(1);
      await monthsPass(id, 1);
      await sweepAt(Date.now());
      expect((await rowsOf(id, versionId)).transfers).toBe(0);
      expect((await deletionEntries(id))[0].termMonths).toBe(18);
    });
  });
});
