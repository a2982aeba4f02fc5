import { generateDossier } from '@app/oso-dataset';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { releaseQueuedTransfer } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  INZAGE_DAY,
  recordInzageByLetter,
  releasesOf,
  stagePoDossier,
  transferState,
} from '../../../../test/support/release-steps';

/**
 * A corrected version after release (#11, item 5) on the real broker: the sender stages it for the
 * released transfer, it needs its own evidence and passes the same gate, the receiver keeps fetching the
 * released version until the correction is released, then fetches the new one and sees the old one
 * superseded. Releases are counted from the exchange log.
 */
let seed = 1500;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a corrected version after release', () => {
  let exchange: Exchange;
  let dataSource: DataSource;
  let vault: DossierVault;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'correction' });
    dataSource = exchange.broker.app.get(DataSource);
    vault = exchange.broker.app.get(DossierVault);
    // Both vendors listen: each step below queues its notification (no worker delivers them here).
    for (const id of ['vo-las', 'po-las']) {
      await exchange.pki.registry.setVendorWebhook({ id, url: `https://${id}.example/hooks/oso` });
    }
  });

  afterAll(() => exchange?.close());

  const workerStep = (transferId: string, versionHash: string) =>
    releaseQueuedTransfer(dataSource, vault, TRANSFER_LOG_RECORDER, { transferId, versionHash }, new Date());

  /** The same pupil's dossier as `stagePoDossier(seed)` stages, dated another day: other content. */
  function correctedDossier(dossierSeed: number): Buffer {
    const school = { brin: '00YY', vestiging: '00' };
    const bsn = generateDossier({ profile: 'POVO', seed: dossierSeed, school }).pupil.bsn as string;
    const { xml } = generateDossier({
      profile: 'POVO',
      seed: dossierSeed,
      school,
      pupil: { bsn, geboortedatum: '2014-04-04' },
      date: '2026-10-20',
      inzage: { datum: INZAGE_DAY },
    });
    return Buffer.from(xml, 'utf8');
  }

  it('stages a correction after receipt; it passes the gate and supersedes the released version', async () => {
    const dossierSeed = ++seed;
    const first = await stagePoDossier(exchange, dossierSeed);
    const { id } = first;
    const { po, vo } = exchange.clients;
    await recordInzageByLetter(exchange, first);
    expect(await workerStep(id, first.versionHash)).toBe('released');
    expect((await vo.post(`/v1/transfers/${id}/receipt`)).status).toBe(200);

    // The correction: a new version of the same pupil, staged for the received transfer.
    const bytes = correctedDossier(dossierSeed);
    const staged = await po.put(`/v1/transfers/${id}/dossier`, bytes);
    expect(staged.status).toBe(201);
    expect(staged.body.transfers).toEqual([id]);
    const second = staged.body.version as { canonicalSha256: string; id: string; version: number };
    expect(second.canonicalSha256).not.toBe(first.versionHash);
    expect(second.version).toBe(2);

    // It needs its own evidence; meanwhile the receiver still fetches the released version.
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');
    const pending = await vo.get(`/v1/transfers/${id}`);
    const history = pending.body.history as Array<{ event: string; from: string; to: string }>;
    expect(history.map((entry) => entry.event)).toContain('stage_correction');
    expect(history.find((entry) => entry.event === 'stage_correction')).toMatchObject({
      from: 'received',
      to: 'dossier_staged',
    });
    expect(pending.body.currentVersion).toMatchObject({ canonicalSha256: second.canonicalSha256 });
    expect(pending.body.releasedVersion).toMatchObject({ canonicalSha256: first.versionHash });
    const stillOld = await vo.get(`/v1/transfers/${id}/dossier`);
    expect(stillOld.status).toBe(200);
    expect(sha256(stillOld.raw)).toBe(first.sha256);
    // The old version's evidence does not carry over: the worker would not release the correction.
    expect(await workerStep(id, second.canonicalSha256)).toBe('nothing');
    expect(await releasesOf(exchange.database, id)).toBe(1);

    // Its own inzage: the gate queues it, the worker releases it.
    await recordInzageByLetter(exchange, { id, versionHash: second.canonicalSha256 });
    expect(await workerStep(id, second.canonicalSha256)).toBe('released');
    expect(await releasesOf(exchange.database, id)).toBe(2);

    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(200);
    expect(sha256(fetched.raw)).toBe(sha256(bytes));
    expect(fetched.headers['x-dossier-version']).toBe('2');
    const view = await vo.get(`/v1/transfers/${id}`);
    expect(view.body.state).toBe('released');
    expect(view.body.releasedVersion).toMatchObject({ canonicalSha256: second.canonicalSha256 });
    const firstVersionId = (pending.body.releasedVersion as { id: string }).id;
    expect(view.body.supersededVersionIds).toEqual([firstVersionId]);

    // And the sender recalls the superseded one: a signed notice; the receiver keeps the correction.
    const recall = await po.post(`/v1/transfers/${id}/recall`, {
      versionHash: first.versionHash,
      reason: 'wrong_content',
    });
    expect(recall.status).toBe(200);
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);

    // Each step told the vendor concerned, in its own transaction: the receiver of the release, the
    // correction and the recall; the sender of the receipt.
    const { rows } = await exchange.database.query<{ vendor_id: string; kind: string; version_hash: string }>(
      'SELECT vendor_id, kind, version_hash FROM notification_outbox WHERE transfer_id = $1 ORDER BY id',
      [id],
    );
    expect(rows).toEqual([
      { vendor_id: 'vo-las', kind: 'released', version_hash: first.versionHash },
      { vendor_id: 'po-las', kind: 'received', version_hash: first.versionHash },
      { vendor_id: 'vo-las', kind: 'corrected', version_hash: second.canonicalSha256 },
      { vendor_id: 'vo-las', kind: 'recalled', version_hash: first.versionHash },
    ]);
  });

  it('refuses a correction while another request for the pupil between the schools is open', async () => {
    const dossierSeed = ++seed;
    const first = await stagePoDossier(exchange, dossierSeed);
    await recordInzageByLetter(exchange, first);
    expect(await workerStep(first.id, first.versionHash)).toBe('released');
    expect((await exchange.clients.vo.post(`/v1/transfers/${first.id}/receipt`)).status).toBe(200);
    // A new request for the same pupil (the received transfer is closed) takes the one open slot.
    const school = { brin: '00YY', vestiging: '00' };
    const bsn = generateDossier({ profile: 'POVO', seed: dossierSeed, school }).pupil.bsn as string;
    const again = await exchange.clients.vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil: { bsn, geboortedatum: '2014-04-04' },
    });
    expect(again.status).toBe(201);
    const refused = await exchange.clients.po.put(
      `/v1/transfers/${first.id}/dossier`,
      correctedDossier(dossierSeed),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('TRANSFER_STATE_CONFLICT');
    expect(await transferState(exchange.database, first.id)).toBe('received');
  });
});
