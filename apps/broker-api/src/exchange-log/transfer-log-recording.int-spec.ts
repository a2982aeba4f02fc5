import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { TestPki } from '../../../../test/support/test-pki';
import { VendorClient } from '../../../../test/support/vendor-client';
import { TEST_BOARD } from '../../../../test/support/school-boards';

/**
 * Every step of a transfer on the real broker lands in the exchange log, in the same transaction as the
 * step: one entry per event, in order, with schools by code and vendors by id, and nothing of the pupil.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const [BSN] = validBsns(1, 31_000_000);
const PUPIL = { bsn: BSN, geboortedatum: '2014-06-02' };

describe('the exchange log on the real broker', () => {
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let po: VendorClient;
  let vo: VendorClient;

  beforeAll(async () => {
    const databaseUrl = await createSuiteDatabase('exchange_log_recording');
    pki = await TestPki.create(databaseUrl);
    await pki.registry.addSchool({
      code: SOURCE,
      name: 'Basisschool',
      sector: 'PO',
      bevoegdGezag: TEST_BOARD,
    });
    await pki.registry.addSchool({ code: TARGET, name: 'College', sector: 'VO', bevoegdGezag: TEST_BOARD });
    for (const id of ['po-las', 'vo-las']) await pki.registry.addVendor({ id, name: id });
    await pki.registry.grantMandate({ schoolCode: SOURCE, vendorId: 'po-las', side: 'source' });
    await pki.registry.grantMandate({ schoolCode: TARGET, vendorId: 'vo-las', side: 'target' });
    broker = await startBroker({ DATABASE_URL: databaseUrl, PKI_DIR: pki.dir });
    const client = async (vendorId: string) =>
      new VendorClient(broker.port, await pki.issueBound({ kind: 'vendor', vendorId }), pki.caCertificate);
    po = await client('po-las');
    vo = await client('vo-las');
    database = new Client({ connectionString: databaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    po?.close();
    vo?.close();
    await database?.end();
    await broker?.close();
    await pki?.close();
  });

  it('records request, staging, match, release, fetch and receipt once each, in order, without the pupil', async () => {
    const requested = await vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: PUPIL,
    });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const dossier = dossierForPupil(POVO_EXAMPLE, PUPIL);
    expect((await po.put(`/v1/transfers/${id}/dossier`, dossier)).status).toBe(201);
    // Stands in for the release worker of #11 (a direct UPDATE is not a step, so the log has no entry).
    await database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [id],
    );
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
    expect((await vo.post(`/v1/transfers/${id}/receipt`, {})).status).toBe(200);

    const { rows } = await database.query(
      `SELECT event_type, actor_kind, actor_id, source_school, target_school, transfer_id, version_hash, details
         FROM exchange_log_entries WHERE transfer_id = $1 OR (transfer_id IS NULL AND event_type = 'version_staged')
        ORDER BY id`,
      [id],
    );
    const staged = (await database.query(`SELECT canonical_sha256 FROM dossier_versions`)).rows;
    expect(staged).toHaveLength(1);
    const versionHash = staged[0].canonical_sha256 as string; // the version's identity (C14N)
    expect(rows.map((row) => [row.event_type, row.actor_kind, row.actor_id])).toEqual([
      ['request_created', 'vendor', 'vo-las'],
      ['version_staged', 'vendor', 'po-las'],
      ['request_matched', 'vendor', 'po-las'],
      ['state_changed', 'vendor', 'po-las'],
      ['state_changed', 'broker', 'broker'],
      ['dossier_fetched', 'vendor', 'vo-las'],
      ['receipt_confirmed', 'vendor', 'vo-las'],
    ]);
    // A staged version belongs to the sending school until a match links it to this transfer.
    expect(rows.map((row) => [row.event_type, row.source_school, row.target_school])).toEqual(
      rows.map((row) => [row.event_type, SOURCE, row.event_type === 'version_staged' ? null : TARGET]),
    );
    expect(rows.find((row) => row.event_type === 'version_staged')).toMatchObject({
      version_hash: versionHash,
      details: { profile: 'POVO', overdrachtsoort: 'overstapdossier', warnedRuleIds: expect.any(Array) },
    });
    expect(rows.filter((row) => row.event_type === 'state_changed').map((row) => row.details)).toEqual([
      { event: 'stage_version', from: 'requested', to: 'dossier_staged' },
      { event: 'await_evidence', from: 'dossier_staged', to: 'awaiting_evidence' },
    ]);

    // Nothing that identifies the pupil, in any column of any entry: not the BSN, the birth date, the
    // pupil key's hash or the dossier's own hash of the raw upload.
    const everything = JSON.stringify((await database.query('SELECT * FROM exchange_log_entries')).rows);
    const pupilKeys = (await database.query('SELECT pupil_key_hash FROM transfers')).rows;
    expect(pupilKeys).toHaveLength(1);
    for (const secret of [BSN, PUPIL.geboortedatum, '20140602', pupilKeys[0].pupil_key_hash as string]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain(createHash('sha256').update(BSN).digest('hex'));
  });
});
