import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { RecallNoticeView, releaseQueuedTransfer, verifyRecallNotice } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  StagedVersion,
  recordInzageByLetter,
  stagePoDossier,
  transferState,
} from '../../../../test/support/release-steps';

/**
 * Recall of a released version (#11, item 5) on the real broker: the sender recalls, the broker signs a
 * notice with its server key, the receiver reads and verifies it with the broker's certificate, the
 * version's key is destroyed and the log records `recall_issued`.
 */
let seed = 1300;

describe('recall of a released version', () => {
  let exchange: Exchange;
  let dataSource: DataSource;
  let vault: DossierVault;
  let brokerCertificate: Buffer;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'recall' });
    dataSource = exchange.broker.app.get(DataSource);
    vault = exchange.broker.app.get(DossierVault);
    brokerCertificate = readFileSync(exchange.pki.pki.store.serverCertificateFile);
  });

  afterAll(() => exchange?.close());

  /** A PO dossier staged, its inzage recorded, and released by the worker's step. */
  async function released(): Promise<StagedVersion> {
    const staged = await stagePoDossier(exchange, ++seed);
    await recordInzageByLetter(exchange, staged);
    const outcome = await releaseQueuedTransfer(
      dataSource,
      vault,
      TRANSFER_LOG_RECORDER,
      { transferId: staged.id, versionHash: staged.versionHash },
      new Date(),
    );
    expect(outcome).toBe('released');
    return staged;
  }

  it('signs a notice the receiver verifies with the broker certificate; the key is destroyed', async () => {
    const { id, versionHash } = await released();
    const { po, vo } = exchange.clients;
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);

    const answer = await po.post(`/v1/transfers/${id}/recall`, { versionHash, reason: 'wrong_content' });
    expect(answer.status).toBe(200);
    const issued = answer.body as unknown as RecallNoticeView;
    expect(issued).toMatchObject({
      transferId: id,
      sourceSchool: '00YY00',
      targetSchool: '01XZ00',
      versionHash,
      reason: 'wrong_content',
    });

    // The receiver reads it and checks the broker's signature with the certificate it trusts.
    const listed = await vo.get(`/v1/transfers/${id}/recall-notices`);
    expect(listed.status).toBe(200);
    const [notice] = (listed.body as unknown as { items: RecallNoticeView[] }).items;
    expect(notice).toEqual(issued);
    expect(verifyRecallNotice(notice, brokerCertificate)).toMatchObject({
      type: 'oso-recall-notice/v1',
      noticeId: issued.noticeId,
      transferId: id,
      versionHash,
      reason: 'wrong_content',
      issuedAt: issued.issuedAt,
    });
    // One byte changed, in the notice or in the signature, and it no longer verifies.
    const changedNotice = notice.notice.replace('wrong_content', 'wrong_contenu');
    expect(changedNotice).not.toBe(notice.notice);
    expect(verifyRecallNotice({ ...notice, notice: changedNotice }, brokerCertificate)).toBeNull();
    const signature = Buffer.from(notice.signature.value, 'base64');
    signature[10] ^= 0x01;
    expect(
      verifyRecallNotice(
        { ...notice, signature: { ...notice.signature, value: signature.toString('base64') } },
        brokerCertificate,
      ),
    ).toBeNull();
    // And a notice is no notice with another key: the client's certificate is not the broker's.
    expect(verifyRecallNotice(notice, exchange.credentials.vo.cert)).toBeNull();

    // The recalled version's key and ciphertext are gone; it was not retracted; the transfer stays released.
    const { rows } = await exchange.database.query<{
      wrapped_key: Buffer | null;
      ciphertext: Buffer | null;
      purged_at: Date | null;
      retracted_at: Date | null;
    }>(
      'SELECT wrapped_key, ciphertext, purged_at, retracted_at FROM dossier_versions WHERE canonical_sha256 = $1',
      [versionHash],
    );
    expect(rows[0]).toMatchObject({ wrapped_key: null, ciphertext: null, retracted_at: null });
    expect(rows[0].purged_at).not.toBeNull();
    expect(await transferState(exchange.database, id)).toBe('released');
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(409);

    // Logged, with tokens only.
    const log = async () =>
      (
        await exchange.database.query<{ details: Record<string, unknown> }>(
          `SELECT details FROM exchange_log_entries
            WHERE event_type = 'recall_issued' AND transfer_id = $1 AND version_hash = $2`,
          [id, versionHash],
        )
      ).rows;
    expect(await log()).toEqual([
      { details: { reason: 'wrong_content', noticeId: issued.noticeId, keyDestroyed: true } },
    ]);

    // Recalling again answers the same notice and records nothing new.
    const again = await po.post(`/v1/transfers/${id}/recall`, { versionHash, reason: 'other' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer.body);
    expect(await log()).toHaveLength(1);
  });

  it('refuses to recall what was not released, and only the sender may recall', async () => {
    const { po, vo } = exchange.clients;
    const staged = await stagePoDossier(exchange, ++seed);
    const early = await po.post(`/v1/transfers/${staged.id}/recall`, {
      versionHash: staged.versionHash,
      reason: 'wrong_pupil',
    });
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('VERSION_NOT_RELEASED');

    const { id, versionHash } = await released();
    const byReceiver = await vo.post(`/v1/transfers/${id}/recall`, { versionHash, reason: 'other' });
    expect(byReceiver.status).toBe(403);
    expect(byReceiver.body.error).toBe('ROLE_NOT_ALLOWED');
    const otherVersion = await po.post(`/v1/transfers/${id}/recall`, {
      versionHash: staged.versionHash,
      reason: 'other',
    });
    expect(otherVersion.status).toBe(409);
    expect(otherVersion.body.error).toBe('VERSION_NOT_RELEASED');
    const bad = await po.post(`/v1/transfers/${id}/recall`, { versionHash, reason: 'because' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('REQUEST_INVALID');
    expect((await vo.get(`/v1/transfers/${id}/recall-notices`)).body).toEqual({ items: [] });
    // Nothing recalled: the receiver still fetches the dossier.
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
  });
});
