import { generateDossier } from '@app/oso-dataset';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { DossierVersionEntity, releaseQueuedTransfer, sealedOf, versionContext } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  DOSSIER_DAY,
  INZAGE_DAY,
  recordInzageByLetter,
  releasesOf,
  stagePoDossier,
  transferState,
} from '../../../../test/support/release-steps';

/**
 * Retraction before release (#11, item 5) on the real broker, PostgreSQL and the exchange log: the
 * sender takes a version back through its transfer or as staged ahead, its key is destroyed at once,
 * the transfers it served wait for a dossier again, and a queued release never happens.
 */
let seed = 1100;

interface VersionRow {
  ciphertext: Buffer | null;
  iv: Buffer | null;
  wrapped_key: Buffer | null;
  kek_id: string | null;
  purged_at: Date | null;
  retracted_at: Date | null;
  retraction_reason: string | null;
}

describe('retraction of a version before release', () => {
  let exchange: Exchange;
  let dataSource: DataSource;
  let vault: DossierVault;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'retraction' });
    dataSource = exchange.broker.app.get(DataSource);
    vault = exchange.broker.app.get(DossierVault);
  });

  afterAll(() => exchange?.close());

  const versionRow = async (versionHash: string): Promise<VersionRow[]> =>
    (
      await exchange.database.query<VersionRow>(
        `SELECT ciphertext, iv, wrapped_key, kek_id, purged_at, retracted_at, retraction_reason
           FROM dossier_versions WHERE canonical_sha256 = $1 ORDER BY version`,
        [versionHash],
      )
    ).rows;

  const logOf = async (versionHash: string) =>
    (
      await exchange.database.query<{
        event_type: string;
        transfer_id: string | null;
        target_school: string | null;
        details: Record<string, unknown>;
      }>(
        `SELECT event_type, transfer_id, target_school, details FROM exchange_log_entries
          WHERE version_hash = $1 ORDER BY id`,
        [versionHash],
      )
    ).rows;

  /** A PO dossier of a new pupil, staged ahead of any request by po-las. */
  async function stageAhead(): Promise<{
    versionHash: string;
    pupil: { bsn: string; geboortedatum: string };
  }> {
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
    });
    const staged = await exchange.clients.po.post('/v1/dossiers', Buffer.from(xml, 'utf8'));
    expect(staged.status).toBe(201);
    return { versionHash: (staged.body.version as { canonicalSha256: string }).canonicalSha256, pupil };
  }

  it('retracts the version serving a transfer: key destroyed at once, back to requested, logged', async () => {
    const { id, versionHash } = await stagePoDossier(exchange, ++seed);
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');
    const stored = await dataSource
      .getRepository(DossierVersionEntity)
      .findOneByOrFail({ canonicalSha256: versionHash });
    // Before: the payload opens.
    expect(vault.open(sealedOf(stored), versionContext(stored.id)).length).toBeGreaterThan(0);

    const answer = await exchange.clients.po.post(`/v1/transfers/${id}/retraction`, {
      versionHash,
      reason: 'wrong_pupil',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.state).toBe('requested');
    expect(answer.body.currentVersion).toBeNull();
    const history = answer.body.history as Array<Record<string, unknown>>;
    const last = history[history.length - 1];
    expect(last).toMatchObject({ event: 'retract_version', from: 'awaiting_evidence', to: 'requested' });
    expect(last.actor).toBe('source_vendor');

    // The key and the ciphertext are gone; the row says when and why.
    const [row] = await versionRow(versionHash);
    expect(row).toMatchObject({ ciphertext: null, iv: null, wrapped_key: null, kek_id: null });
    expect(row.purged_at).not.toBeNull();
    expect(row.retracted_at).not.toBeNull();
    expect(row.retraction_reason).toBe('wrong_pupil');
    // With the old key material (as read before), the ciphertext no longer exists; without it, nothing opens.
    const after = await dataSource.getRepository(DossierVersionEntity).findOneByOrFail({ id: stored.id });
    expect(() =>
      vault.open({ ...sealedOf(stored), wrappedKey: after.wrappedKey }, versionContext(stored.id)),
    ).toThrow(/crypto-shredded/);

    // Logged: version_retracted with the reason token, and the transfer's step; nothing personal.
    const entries = await logOf(versionHash);
    const retracted = entries.filter((entry) => entry.event_type === 'version_retracted');
    expect(retracted).toHaveLength(1);
    expect(retracted[0].transfer_id).toBe(id);
    expect(retracted[0].details).toEqual({ reason: 'wrong_pupil', transfersAffected: 1 });
    expect(
      entries.filter(
        (entry) => entry.event_type === 'state_changed' && entry.details.event === 'retract_version',
      ),
    ).toHaveLength(1);

    // The receiver cannot fetch it, the sender cannot give evidence for it.
    const fetched = await exchange.clients.vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(409);
    expect(fetched.body.error).toBe('DOSSIER_NOT_RELEASED');
    const evidence = await exchange.clients.po.post(`/v1/transfers/${id}/evidence`, {
      kind: 'inzage',
      versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
      how: 'letter',
    });
    expect(evidence.status).not.toBe(201);

    // Retracting again changes nothing and records nothing.
    const count = entries.length;
    const again = await exchange.clients.po.post(`/v1/transfers/${id}/retraction`, {
      versionHash,
      reason: 'other',
    });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('requested');
    expect(await logOf(versionHash)).toHaveLength(count);
    expect((await versionRow(versionHash))[0].retraction_reason).toBe('wrong_pupil');
  });

  it('a queued release never happens once the version is retracted (counted from the log)', async () => {
    const { id, versionHash } = await stagePoDossier(exchange, ++seed);
    await recordInzageByLetter(exchange, { id, versionHash });
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    const answer = await exchange.clients.po.post(`/v1/transfers/${id}/retraction`, {
      versionHash,
      reason: 'wrong_content',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.state).toBe('requested');
    // The worker's step, with the job the outbox row made: it finds nothing to release.
    const outcome = await releaseQueuedTransfer(
      dataSource,
      vault,
      TRANSFER_LOG_RECORDER,
      { transferId: id, versionHash },
      new Date(),
    );
    expect(outcome).toBe('nothing');
    expect(await transferState(exchange.database, id)).toBe('requested');
    expect(await releasesOf(exchange.database, id)).toBe(0);
  });

  it('racing the worker: either released and not retracted, or retracted and never released', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { id, versionHash } = await stagePoDossier(exchange, ++seed);
      await recordInzageByLetter(exchange, { id, versionHash });
      const [retraction, outcome] = await Promise.all([
        exchange.clients.po.post(`/v1/transfers/${id}/retraction`, { versionHash, reason: 'wrong_pupil' }),
        releaseQueuedTransfer(
          dataSource,
          vault,
          TRANSFER_LOG_RECORDER,
          { transferId: id, versionHash },
          new Date(),
        ),
      ]);
      const [row] = await versionRow(versionHash);
      if (outcome === 'released') {
        expect(retraction.body.error).toBe('VERSION_ALREADY_RELEASED');
        expect(row.wrapped_key).not.toBeNull();
        expect(await releasesOf(exchange.database, id)).toBe(1);
      } else {
        expect(outcome).toBe('nothing');
        expect(retraction.status).toBe(200);
        expect(row.wrapped_key).toBeNull();
        expect(await releasesOf(exchange.database, id)).toBe(0);
      }
    }
  });

  it('retracts a version staged ahead: a later request is not matched with it', async () => {
    const { versionHash, pupil } = await stageAhead();
    const answer = await exchange.clients.po.post(`/v1/dossiers/${versionHash}/retraction`, {
      reason: 'wrong_content',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ versionHash, reason: 'wrong_content', versions: [1], transfers: [] });
    const [row] = await versionRow(versionHash);
    expect(row).toMatchObject({ ciphertext: null, wrapped_key: null, retraction_reason: 'wrong_content' });
    const retracted = (await logOf(versionHash)).filter((entry) => entry.event_type === 'version_retracted');
    expect(retracted).toHaveLength(1);
    expect(retracted[0]).toMatchObject({ transfer_id: null, target_school: null });
    expect(retracted[0].details).toEqual({ reason: 'wrong_content', transfersAffected: 0 });

    // A request for the pupil now finds no dossier: it waits for the sender.
    const requested = await exchange.clients.vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil,
    });
    expect(requested.status).toBe(201);
    expect(requested.body.state).toBe('requested');
    expect(requested.body.currentVersion).toBeNull();
    expect((await logOf(versionHash)).some((entry) => entry.event_type === 'request_matched')).toBe(false);
  });

  it('refuses what it cannot retract: an unknown hash, a released version, bad input', async () => {
    const { id, versionHash } = await stagePoDossier(exchange, ++seed);
    const { po, vo } = exchange.clients;
    const unknown = 'ab'.repeat(32);

    const notFound = await po.post(`/v1/transfers/${id}/retraction`, {
      versionHash: unknown,
      reason: 'other',
    });
    expect(notFound.status).toBe(404);
    expect(notFound.body.error).toBe('VERSION_NOT_FOUND');
    const notAhead = await po.post(`/v1/dossiers/${unknown}/retraction`, { reason: 'other' });
    expect(notAhead.status).toBe(404);
    expect(notAhead.body.error).toBe('VERSION_NOT_FOUND');
    // The receiving side may not retract, and does not learn of the sender's versions staged ahead.
    const byReceiver = await vo.post(`/v1/transfers/${id}/retraction`, { versionHash, reason: 'other' });
    expect(byReceiver.status).toBe(403);
    expect(byReceiver.body.error).toBe('ROLE_NOT_ALLOWED');
    const aheadByReceiver = await vo.post(`/v1/dossiers/${versionHash}/retraction`, { reason: 'other' });
    expect(aheadByReceiver.status).toBe(404);
    expect(aheadByReceiver.body.error).toBe('VERSION_NOT_FOUND');
    // Bad input names the field.
    const badReason = await po.post(`/v1/transfers/${id}/retraction`, { versionHash, reason: 'oops' });
    expect(badReason.status).toBe(400);
    expect(badReason.body.error).toBe('REQUEST_INVALID');
    expect(badReason.body.message).toMatch(/reason/);
    const badHash = await po.post(`/v1/dossiers/not-a-hash/retraction`, { reason: 'other' });
    expect(badHash.status).toBe(400);
    expect(badHash.body.error).toBe('REQUEST_INVALID');
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');

    // Released: it can only be recalled; its key stays, the receiver still fetches it.
    await recordInzageByLetter(exchange, { id, versionHash });
    const released = await releaseQueuedTransfer(
      dataSource,
      vault,
      TRANSFER_LOG_RECORDER,
      { transferId: id, versionHash },
      new Date(),
    );
    expect(released).toBe('released');
    for (const refused of [
      await po.post(`/v1/transfers/${id}/retraction`, { versionHash, reason: 'wrong_pupil' }),
      await po.post(`/v1/dossiers/${versionHash}/retraction`, { reason: 'wrong_pupil' }),
    ]) {
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('VERSION_ALREADY_RELEASED');
    }
    expect((await versionRow(versionHash))[0].wrapped_key).not.toBeNull();
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
  });
});
