import { X509Certificate, createHash } from 'node:crypto';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { TestPki } from '../../../../test/support/test-pki';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';
import { TEST_BOARD } from '../../../../test/support/school-boards';

/**
 * Every step of a transfer on the real broker lands in the exchange log, in the same transaction as the
 * step: one entry per event, in order, with schools by code and vendors by id, and nothing of the pupil.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const [BSN] = validBsns(1, 31_000_000);
const PUPIL = { bsn: BSN, geboortedatum: '2014-06-02' };
/** Generous: the sequencer checkpoints within about a second; a loaded machine may take longer. */
const CHECKPOINT_WAIT_MS = 20_000;

describe('the exchange log on the real broker', () => {
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let po: VendorClient;
  let vo: VendorClient;
  /** SHA-256 of each vendor's client certificate, as the log names it. */
  const fingerprints: Record<string, string> = {};

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
    const client = async (vendorId: string) => {
      const credentials = await pki.issueBound({ kind: 'vendor', vendorId });
      const { fingerprint256 } = new X509Certificate(credentials.cert);
      fingerprints[vendorId] = fingerprint256.replace(/:/g, '').toLowerCase();
      return new VendorClient(broker.port, credentials, pki.caCertificate);
    };
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

  it('names each step’s entries in its answer (X-Log-Entry), each with the certificate used, provable by the vendor', async () => {
    const pupil = { bsn: validBsns(2, 31_000_000)[1], geboortedatum: '2013-09-10' };
    const written = async () =>
      (
        await database.query(
          // Ordered by the bigint, not its text ("10" < "9").
          `SELECT e.id::text AS id, e.event_type, e.actor_id, e.actor_certificate_fingerprint AS fingerprint
             FROM exchange_log_entries e ORDER BY e.id`,
        )
      ).rows as Array<{ id: string; event_type: string; actor_id: string; fingerprint: string | null }>;
    /** The step's answer, and the entries the database holds that were not there before it. */
    const step = async (take: () => Promise<ApiResponse>) => {
      const before = new Set((await written()).map((entry) => entry.id));
      const answer = await take();
      expect(answer.status).toBeLessThan(300);
      return { answer, entries: (await written()).filter((entry) => !before.has(entry.id)) };
    };
    const named = (answer: ApiResponse) => String(answer.headers['x-log-entry'] ?? '').split(', ');

    const requested = await step(() =>
      vo.post('/v1/transfers', { targetSchool: TARGET, sourceSchool: SOURCE, pupil }),
    );
    const id = requested.answer.body.id as string;
    const staged = await step(() =>
      po.put(`/v1/transfers/${id}/dossier`, dossierForPupil(POVO_EXAMPLE, pupil)),
    );
    await database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [id],
    );
    const fetched = await step(() => vo.get(`/v1/transfers/${id}/dossier`));
    const received = await step(() => vo.post(`/v1/transfers/${id}/receipt`, {}));

    const vendor = (vendorId: string) => [vendorId, fingerprints[vendorId]];
    const steps = [requested, staged, fetched, received];
    expect(
      steps.map(({ entries }) =>
        entries.map((entry) => [entry.event_type, entry.actor_id, entry.fingerprint]),
      ),
    ).toEqual([
      [['request_created', ...vendor('vo-las')]],
      [
        ['version_staged', ...vendor('po-las')],
        ['request_matched', ...vendor('po-las')],
        ['state_changed', ...vendor('po-las')],
        ['state_changed', 'broker', null],
      ],
      [['dossier_fetched', ...vendor('vo-las')]],
      [['receipt_confirmed', ...vendor('vo-las')]],
    ]);
    // Exactly the entries each step wrote, in the order it wrote them, under the answer's signature.
    for (const { answer, entries } of steps) {
      expect(named(answer)).toEqual(entries.map((entry) => entry.id));
      expect(answer.headers['signature-input']).toContain('"x-log-entry"');
    }

    // A step that changes nothing records nothing, and names nothing.
    const again = await step(() => vo.post(`/v1/transfers/${id}/receipt`, {}));
    expect(again.entries).toEqual([]);
    expect(again.answer.headers['x-log-entry']).toBeUndefined();

    // The vendor proves what the answer named: each entry's proof, once a checkpoint covers it.
    for (const entryId of steps.flatMap(({ answer }) => named(answer))) {
      const deadline = Date.now() + CHECKPOINT_WAIT_MS;
      let proof = await po.get(`/v1/log/entries/${entryId}/proof`);
      while (proof.status === 409 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        proof = await po.get(`/v1/log/entries/${entryId}/proof`);
      }
      expect([proof.status, proof.body.entryId]).toEqual([200, entryId]);
      expect(JSON.parse(proof.body.leaf as string).id).toBe(entryId);
    }
  });

  it('documents X-Log-Entry on the success answer of every exchange route that records, and only there', async () => {
    const document = (await vo.get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
    };
    // The exchange's routes (the auditor API's are its own business).
    const exchange = Object.entries(document.paths).filter(
      ([path]) => path.startsWith('/v1/transfers') || path.startsWith('/v1/dossiers'),
    );
    const documented = exchange.flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([, response]) => response.headers !== undefined && 'X-Log-Entry' in response.headers)
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    expect(documented.sort()).toEqual(
      [
        'POST /v1/transfers 201',
        'PUT /v1/transfers/{id}/dossier 201',
        'POST /v1/dossiers 201',
        'GET /v1/transfers/{id}/dossier 200',
        'GET /v1/transfers/{id}/dossier/rendering 200',
        'GET /v1/transfers/{id}/dossier/attachments/{number} 200',
        'GET /v1/dossiers/{versionHash}/rendering 200',
        'GET /v1/dossiers/{versionHash}/attachments/{number} 200',
        'POST /v1/transfers/{id}/receipt 200',
        'POST /v1/transfers/{id}/withdrawal 200',
        'POST /v1/transfers/{id}/evidence 201',
        'POST /v1/transfers/{id}/retraction 200',
        'POST /v1/dossiers/{versionHash}/retraction 200',
        'POST /v1/transfers/{id}/recall 200',
        'POST /v1/transfers/{id}/match-approval 200',
        'POST /v1/transfers/{id}/match-refusal 200',
        'PUT /v1/transfers/{id}/evidence/{evidenceId}/declaration 201',
      ].sort(),
    );
  });
});
