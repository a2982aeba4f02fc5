import { BROKER_SCHEMA } from '@app/broker-schema';
import { DossierValidationPool } from '@app/oso-dataset';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { RegistryService } from '@app/registry';
import { DossierVault, readVaultConfig } from '@app/vault';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { povoDossierFor } from '../../../test/support/large-dossiers';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { expireOverdueTransfers } from './request-expiry';
import { StagingValidation } from './staging-validation';
import type { TransferEventRecorder, TransferLogEvent } from './transfer-events';
import { TransferService } from './transfer.service';
import { TEST_BOARD } from '../../../test/support/school-boards';

/**
 * A recorder as the exchange log will be one: it writes its own row with the transaction's `manager`,
 * so what it recorded commits or rolls back with the change. `refuse` makes it throw for chosen events.
 */
class TableRecorder implements TransferEventRecorder {
  refuse: (event: TransferLogEvent) => boolean = () => false;

  async record(manager: EntityManager, events: readonly TransferLogEvent[]): Promise<string[]> {
    if (events.some(this.refuse)) throw new Error('the log refused the event');
    const ids: string[] = [];
    for (const event of events) {
      const [{ id }] = await manager.query('INSERT INTO recorded_events (event) VALUES ($1) RETURNING id', [
        JSON.stringify(event),
      ]);
      ids.push(String(id));
    }
    return ids;
  }
}

/**
 * Every change of a transfer goes through `changeTransferState` (or, at its birth, `openTransferRequest`)
 * with its history and its event in one transaction: on real PostgreSQL, with the real validation pool
 * and vault, for the vendors' steps and the broker's expiry sweep alike.
 */
describe('one place where transfers change state', () => {
  let dataSource: DataSource;
  let pool: DossierValidationPool;
  let service: TransferService;
  const recorder = new TableRecorder();
  const pupil = { bsn: '123456782', geboortedatum: '2012-03-04' };
  const otherPupil = { bsn: '111222333', geboortedatum: '2012-05-06' };
  const secret = randomBytes(32);
  // The vendors as the API hands them in: each with the certificate it authenticated with.
  const poLas = { id: 'po-las', certificateFingerprint: 'a'.repeat(64) };
  const voLas = { id: 'vo-las', certificateFingerprint: 'b'.repeat(64) };

  const count = async (table: string) =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const recorded = async (): Promise<TransferLogEvent[]> =>
    (await dataSource.query('SELECT event FROM recorded_events ORDER BY id')).map((row: { event: string }) =>
      JSON.parse(row.event),
    );
  const request = (target: string, who = pupil) =>
    service
      .request(voLas, { targetSchool: target, sourceSchool: '00YY00', pupil: who })
      .then((recorded) => recorded.result);

  beforeAll(async () => {
    const url = await createSuiteDatabase('state_changes');
    dataSource = await connectWithRetry(new DataSource(dataSourceOptions(url, BROKER_SCHEMA)), {
      url,
      startupTimeoutSeconds: 5,
    });
    await dataSource.query('CREATE TABLE recorded_events (id bigserial PRIMARY KEY, event text NOT NULL)');
    const registry = new RegistryService(dataSource);
    await registry.addSchool({ code: '00YY00', name: 'Testschool', sector: 'PO', bevoegdGezag: TEST_BOARD });
    await registry.addSchool({ code: '01XZ00', name: 'Het College', sector: 'VO', bevoegdGezag: TEST_BOARD });
    await registry.addSchool({
      code: '02AB00',
      name: 'Ander College',
      sector: 'VO',
      bevoegdGezag: TEST_BOARD,
    });
    await registry.addVendor({ id: 'po-las', name: 'PO LAS' });
    await registry.addVendor({ id: 'vo-las', name: 'VO LAS' });
    await registry.grantMandate({ schoolCode: '00YY00', vendorId: 'po-las', side: 'source' });
    await registry.grantMandate({ schoolCode: '01XZ00', vendorId: 'vo-las', side: 'target' });
    await registry.grantMandate({ schoolCode: '02AB00', vendorId: 'vo-las', side: 'target' });
    pool = new DossierValidationPool({ threads: 1 });
    const vault = new DossierVault(
      readVaultConfig({ VAULT_KEKS: `k1:${randomBytes(32).toString('base64')}`, VAULT_ACTIVE_KEK: 'k1' }),
    );
    const settings = { pupilKeySecret: secret, requestLifetimeDays: 90 };
    service = new TransferService(
      dataSource,
      registry,
      new StagingValidation(pool),
      vault,
      settings,
      recorder,
    );
  });
  afterEach(() => {
    recorder.refuse = () => false;
  });
  afterAll(async () => {
    await pool?.close();
    await dataSource?.destroy();
  });

  describe('a recorder that throws undoes the change it was to record', () => {
    it('a request: no transfer, no history', async () => {
      recorder.refuse = (event) => event.type === 'request_created';
      await expect(request('01XZ00')).rejects.toThrow('the log refused the event');
      expect([await count('transfers'), await count('transfer_history')]).toEqual([0, 0]);
      expect(await count('recorded_events')).toBe(0);
    });

    it('a staging: no version, the request still waits, its history untouched', async () => {
      const { id } = await request('01XZ00');
      const historyBefore = await count('transfer_history');
      const eventsBefore = await count('recorded_events');
      // The last write of the staging transaction: everything before it is rolled back too.
      recorder.refuse = (event) => event.type === 'state_changed' && event.toState === 'awaiting_evidence';
      await expect(service.stage(poLas, povoDossierFor(pupil), id)).rejects.toThrow(
        'the log refused the event',
      );
      expect(await count('dossier_versions')).toBe(0);
      expect((await service.view('vo-las', id)).state).toBe('requested');
      expect([await count('transfer_history'), await count('recorded_events')]).toEqual([
        historyBefore,
        eventsBefore,
      ]);
    });

    it('a vendor step and a fetch: nothing changes, no dossier leaves', async () => {
      const [{ id }] = await service.lookup('po-las', { sourceSchool: '00YY00', pupil });
      await service.stage(poLas, povoDossierFor(pupil), id);
      const historyBefore = await count('transfer_history');
      recorder.refuse = (event) => event.type === 'withdrawn';
      await expect(service.withdraw(voLas, id)).rejects.toThrow('the log refused the event');
      expect((await service.view('vo-las', id)).state).toBe('awaiting_evidence');
      expect(await count('transfer_history')).toBe(historyBefore);

      // Stands in for the release worker of the next issue.
      await dataSource.query(
        `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
        [id],
      );
      recorder.refuse = (event) => event.type === 'dossier_fetched';
      await expect(service.fetchDossier(voLas, id)).rejects.toThrow('the log refused the event');
      recorder.refuse = () => false;
      expect((await service.fetchDossier(voLas, id)).result.bytes).toEqual(povoDossierFor(pupil));
    });
  });

  it('vendors’ steps and the expiry sweep emit through the same function, each with its history row', async () => {
    await dataSource.query('TRUNCATE recorded_events');
    // Staged ahead, then matched by a request; a second request expires; the first is fetched and received.
    const { result: staged, logEntries: stagedEntries } = await service.stage(
      poLas,
      povoDossierFor(otherPupil),
    );
    const matched = await request('01XZ00', otherPupil);
    // The sender names the first school for the version staged ahead; the second it never names.
    const approval = await service.answerMatch(poLas, matched.id, staged.version.canonicalSha256, 'approve');
    const overdue = await request('02AB00', otherPupil);
    await dataSource.query(`UPDATE transfers SET expires_at = now() - interval '1 day' WHERE id = $1`, [
      overdue.id,
    ]);
    expect(await expireOverdueTransfers(dataSource, recorder)).toBe(1);
    await dataSource.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [matched.id],
    );
    const fetched = await service.fetchDossier(voLas, matched.id);
    const received = await service.acknowledgeReceipt(voLas, matched.id);
    // Acknowledging again changes nothing, so it names no entry.
    const again = await service.acknowledgeReceipt(voLas, matched.id);

    const events = await recorded();
    // Each answer names exactly the entries its step recorded, in order.
    const ids: string[] = (await dataSource.query('SELECT id FROM recorded_events ORDER BY id')).map(
      (row: { id: string }) => String(row.id),
    );
    expect([
      stagedEntries,
      approval.logEntries,
      fetched.logEntries,
      received.logEntries,
      again.logEntries,
    ]).toEqual([[ids[0]], [ids[3], ids[4]], [ids[8]], [ids[9]], []]);
    const versionHash = staged.version.canonicalSha256;
    const broker = { kind: 'broker', id: null, side: null };
    const receiver = {
      kind: 'vendor',
      id: 'vo-las',
      certificateFingerprint: voLas.certificateFingerprint,
      side: 'target',
    };
    const sender = {
      kind: 'vendor',
      id: 'po-las',
      certificateFingerprint: poLas.certificateFingerprint,
      side: 'source',
    };
    expect(events.map((event) => [event.type, event.transferId, event.actor, event.versionHash])).toEqual([
      ['version_staged', null, sender, versionHash],
      ['request_created', matched.id, receiver, null],
      ['state_changed', matched.id, broker, versionHash],
      ['state_changed', matched.id, sender, versionHash],
      ['state_changed', matched.id, broker, versionHash],
      ['request_created', overdue.id, receiver, null],
      ['state_changed', overdue.id, broker, versionHash],
      ['expired', overdue.id, broker, null],
      ['dossier_fetched', matched.id, receiver, versionHash],
      ['receipt_confirmed', matched.id, receiver, null],
    ]);
    expect(events[0]).toMatchObject({ profile: 'POVO', overdrachtsoort: 'overstapdossier' });
    expect(events.slice(2, 5)).toMatchObject([
      { step: 'await_approval', fromState: 'requested', toState: 'awaiting_approval' },
      { step: 'approve_match', fromState: 'awaiting_approval', toState: 'dossier_staged' },
      { step: 'await_evidence', fromState: 'dossier_staged', toState: 'awaiting_evidence' },
    ]);
    expect(events[7]).toMatchObject({ step: 'expire', fromState: 'awaiting_approval', toState: 'expired' });

    // Every history row written since has exactly its event, and every state event its history row.
    const history: Array<{ transfer_id: string; event: string; from_state: string; to_state: string }> =
      await dataSource.query(
        `SELECT transfer_id, event, from_state, to_state FROM transfer_history
          WHERE transfer_id = ANY($1) ORDER BY id`,
        [[matched.id, overdue.id]],
      );
    const asHistory = events.flatMap((event) =>
      event.type === 'request_created'
        ? [[event.transferId, 'request', null, 'requested']]
        : 'step' in event
          ? [[event.transferId, event.step, event.fromState, event.toState]]
          : [],
    );
    expect(history.map((row) => [row.transfer_id, row.event, row.from_state, row.to_state])).toEqual(
      asHistory,
    );

    // Schools, transfers and hashes only: nothing that names the pupil.
    const text = JSON.stringify(events);
    const pupilKeyHashes = await dataSource.query('SELECT DISTINCT pupil_key_hash FROM transfers');
    for (const secretValue of [
      otherPupil.bsn,
      otherPupil.geboortedatum,
      ...pupilKeyHashes.map((row: { pupil_key_hash: string }) => row.pupil_key_hash),
    ]) {
      expect(text).not.toContain(secretValue);
    }
  });
});
