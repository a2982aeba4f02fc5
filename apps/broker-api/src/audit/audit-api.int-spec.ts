import {
  openCheckpoint,
  verifyConsistency,
  verifyInclusion,
  leafHash,
  verifyLogExport,
} from '@app/exchange-log';
import { X509Certificate, createHash } from 'node:crypto';
import { Client } from 'pg';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { OTHER_TEST_BOARD, TEST_BOARD } from '../../../../test/support/school-boards';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { untilCheckpointed } from '../../../../test/support/log-checkpoints';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';
import { JsonSchema, schemaProblems } from '../../../../test/support/openapi-conformance';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';

/**
 * The auditor API's reports, proofs and exports on the real broker, after a whole transfer (request,
 * staging, release, fetch): a parent's question answered for the right auditors only and recorded without
 * the pupil; an incident grouped by school; proofs and exports that verify with the log key alone.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const FOREIGN = '03XZ00';
const [BSN] = validBsns(1, 34_000_000);
const PUPIL = { bsn: BSN, geboortedatum: '2014-06-02' };

const REMARKS = 'De ouders zijn het niet eens met het advies.';
const DECLARATION_SHA256 = 'ab'.repeat(32);

const fingerprintOf = (credentials: ClientCredentials): string =>
  new X509Certificate(credentials.cert).fingerprint256.replace(/:/g, '').toLowerCase();

describe('the auditor API: reports, proofs and exports', () => {
  let exchange: Exchange<'po' | 'vo' | 'officer' | 'otherOfficer' | 'inspectorate'>;
  let pki: TestPki;
  let database: Client;
  let officer: VendorClient;
  let otherOfficer: VendorClient;
  let inspectorate: VendorClient;
  let vo: VendorClient;
  let voFingerprint: string;
  let officerFingerprint: string;
  let transferId: string;
  let versionHash: string;
  /** What the sending school's evidence requests answered: the records and the gate's last decision. */
  let evidenceAnswers: Array<{
    record: { id: string };
    decision: { outcome: string; reasons: Array<{ code: string }> };
  }>;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'audit_api',
      schools: [
        { code: SOURCE, name: 'Basisschool', sector: 'PO' },
        { code: TARGET, name: 'College', sector: 'VO' },
        { code: FOREIGN, name: 'Ander', sector: 'VO', board: OTHER_TEST_BOARD },
      ],
      vendors: {
        po: { id: 'po-las', sends: [SOURCE] },
        vo: { id: 'vo-las', receives: [TARGET] },
      },
      auditors: {
        officer: { name: 'board-officer', boards: [TEST_BOARD] },
        otherOfficer: { name: 'other-officer', boards: [OTHER_TEST_BOARD] },
        inspectorate: { name: 'inspectorate', supervisory: true },
      },
    });
    ({ pki, database } = exchange);
    const { po } = exchange.clients;
    ({ officer, otherOfficer, inspectorate, vo } = exchange.clients);
    officerFingerprint = fingerprintOf(exchange.credentials.officer);
    voFingerprint = fingerprintOf(exchange.credentials.vo);

    const requested = await vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: PUPIL,
    });
    expect(requested.status).toBe(201);
    transferId = requested.body.id as string;
    const staged = await po.put(`/v1/transfers/${transferId}/dossier`, dossierForPupil(POVO_EXAMPLE, PUPIL));
    expect(staged.status).toBe(201);
    const stagedHash = (staged.body.version as { canonicalSha256: string }).canonicalSha256;
    // The sending school records inzage (with the parents' remarks) and consent through the evidence API.
    const acts = [
      {
        kind: 'inzage',
        givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
        how: 'letter',
        remarks: REMARKS,
      },
      {
        kind: 'consent',
        decision: 'granted',
        by: { role: 'parent_with_gezag', ref: 'ouder-1' },
        form: 'signed_declaration',
        declaration: { sha256: DECLARATION_SHA256, mediaType: 'application/pdf' },
      },
    ];
    evidenceAnswers = [];
    for (const act of acts) {
      const answer = await po.post(`/v1/transfers/${transferId}/evidence`, {
        ...act,
        versionHash: stagedHash,
        receivingSchool: TARGET,
        date: '2026-10-01',
      });
      expect(answer.status).toBe(201);
      evidenceAnswers.push(answer.body as (typeof evidenceAnswers)[number]);
    }
    // Stands in for the release worker of #11 (a direct UPDATE is not a step, so the log has no entry).
    await database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [transferId],
    );
    expect((await vo.get(`/v1/transfers/${transferId}/dossier`)).status).toBe(200);
    versionHash = (await database.query('SELECT canonical_sha256 FROM dossier_versions')).rows[0]
      .canonical_sha256;
    await untilCheckpointed(database);
  });

  afterAll(() => exchange?.close());

  it('reports a pupil’s versions, categories and fetches to the board’s auditor, recorded without the pupil', async () => {
    const before = Number(
      (await database.query('SELECT max(id) AS id FROM exchange_log_entries')).rows[0].id,
    );
    const report = await officer.post('/v1/audit/pupil-reports', PUPIL);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      transfers: [
        {
          transferId,
          sourceSchool: SOURCE,
          targetSchool: TARGET,
          state: 'released',
          requestedAt: expect.any(String),
        },
      ],
      versions: [
        {
          versionHash,
          version: 1,
          profile: 'POVO',
          sourceSchool: SOURCE,
          stagedAt: expect.any(String),
          stagedByVendorId: 'po-las',
          dataCategories: expect.arrayContaining(['cat_school', 'cat_leerling']),
          purged: false,
        },
      ],
      evidence: [
        {
          transferId,
          versionHash,
          receivingSchool: TARGET,
          records: [
            {
              id: evidenceAnswers[0].record.id,
              kind: 'inzage',
              date: '2026-10-01',
              actor: { role: 'parent_with_gezag', ref: 'ouder-1' },
              how: 'letter',
              decision: null,
              form: null,
              remarksRecorded: true,
              declarationRecorded: false,
              recordedByVendorId: 'po-las',
              recordedAt: expect.any(String),
            },
            {
              id: evidenceAnswers[1].record.id,
              kind: 'consent',
              date: '2026-10-01',
              actor: { role: 'parent_with_gezag', ref: 'ouder-1' },
              how: null,
              decision: 'granted',
              form: 'signed_declaration',
              remarksRecorded: false,
              declarationRecorded: true,
              recordedByVendorId: 'po-las',
              recordedAt: expect.any(String),
            },
          ],
          // The gate's decision after the last record, as its gate_decided entry logged it.
          latestGateDecision: {
            entryId: expect.any(String),
            at: expect.any(String),
            outcome: evidenceAnswers[1].decision.outcome,
            policy: expect.objectContaining({ id: expect.any(String), version: expect.any(Number) }),
            reasonCodes: [
              ...new Set(evidenceAnswers[1].decision.reasons.map((reason) => reason.code)),
            ].sort(),
          },
        },
      ],
      received: [
        {
          entryId: expect.any(String),
          transferId,
          receivingSchool: TARGET,
          vendorId: 'vo-las',
          at: expect.any(String),
          versionHash,
          dataCategories: (report.body.versions as Array<{ dataCategories: string[] }>)[0].dataCategories,
        },
      ],
    });
    const categories = (report.body.versions as Array<{ dataCategories: string[] }>)[0].dataCategories;
    for (const category of categories) expect(category).toMatch(/^cat_[a-z]+$/);
    // Remarks and declarations stay with the school: not their text, not even their hashes.
    const remarksSha256 = createHash('sha256').update(REMARKS, 'utf8').digest('hex');
    for (const kept of [REMARKS, remarksSha256, DECLARATION_SHA256])
      expect(JSON.stringify(report.body)).not.toContain(kept);
    // The supervisory auditor sees what the board sees; another board nothing.
    expect((await inspectorate.post('/v1/audit/pupil-reports', PUPIL)).body).toEqual(report.body);
    const foreign = await otherOfficer.post('/v1/audit/pupil-reports', PUPIL);
    expect(foreign.body).toEqual({ transfers: [], versions: [], evidence: [], received: [] });
    const invalid = await officer.post('/v1/audit/pupil-reports', {
      bsn: '123456789',
      geboortedatum: '2014-06-02',
    });
    expect([invalid.status, invalid.body.error]).toEqual([400, 'PUPIL_KEY_INVALID']);
    expect(JSON.stringify(invalid.body)).not.toContain('123456789');

    const { rows } = await database.query(
      `SELECT * FROM exchange_log_entries WHERE id > $1 AND event_type = 'auditor_query' ORDER BY id`,
      [before],
    );
    expect(rows.map((row) => row.details)).toEqual([
      { query: 'pupilReport', filters: ['bsn', 'geboortedatum'], resultCount: 2 },
      { query: 'pupilReport', filters: ['bsn', 'geboortedatum'], resultCount: 2 },
      { query: 'pupilReport', filters: ['bsn', 'geboortedatum'], resultCount: 0 },
    ]);
    const pupilKeyHash = (await database.query('SELECT pupil_key_hash FROM transfers')).rows[0]
      .pupil_key_hash;
    const recorded = JSON.stringify(rows);
    for (const secret of [BSN, PUPIL.geboortedatum, '20140602', pupilKeyHash])
      expect(recorded).not.toContain(secret);
  });

  it('groups what one certificate did in a window by school, within the auditor’s scope', async () => {
    // An auditor's own queries carry its certificate's fingerprint too.
    for (const school of [SOURCE, TARGET]) await officer.get(`/v1/audit/entries?school=${school}&limit=1`);
    await officer.get('/v1/audit/checkpoint');
    type Group = { school: string; entries: Array<{ type: string; details: Record<string, unknown> }> };
    const incident = await inspectorate.get(`/v1/audit/incidents?certificate=${officerFingerprint}`);
    expect(incident.status).toBe(200);
    const schools = incident.body.schools as Group[];
    expect(schools.map((group) => group.school)).toEqual([SOURCE, TARGET].sort());
    for (const group of schools) {
      expect(group.entries.map((entry) => [entry.type, entry.details.query])).toEqual([
        ['auditor_query', 'entries'],
      ]);
    }
    // What names no school (the checkpoint query) is the supervisory auditor's only.
    expect((incident.body.withoutSchool as Group['entries']).length).toBeGreaterThan(0);
    const own = await officer.get(`/v1/audit/incidents?certificate=${officerFingerprint}`);
    expect(own.body).toMatchObject({
      certificateFingerprint: officerFingerprint,
      withoutSchool: [],
      truncated: false,
    });
    expect((own.body.schools as Group[]).map((group) => group.school)).toEqual([SOURCE, TARGET].sort());
    const foreign = await otherOfficer.get(`/v1/audit/incidents?certificate=${officerFingerprint}`);
    expect(foreign.body).toMatchObject({ schools: [], withoutSchool: [] });
    const past = await inspectorate.get(
      `/v1/audit/incidents?certificate=${officerFingerprint}&to=2020-01-01T00:00:00Z`,
    );
    expect(past.body).toMatchObject({ schools: [], withoutSchool: [] });
    const bad = await officer.get('/v1/audit/incidents?certificate=vo-las');
    expect([bad.status, bad.body.error]).toEqual([400, 'AUDIT_FILTER_INVALID']);
  });

  it('finds a vendor certificate’s transfer steps by certificate, grouped by school', async () => {
    type Group = { school: string; entries: Array<{ type: string; transferId?: string; actor: object }> };
    const incident = await officer.get(`/v1/audit/incidents?certificate=${voFingerprint}`);
    expect(incident.status).toBe(200);
    const groups = incident.body.schools as Group[];
    // vo-las requested the transfer (naming both schools) and fetched the dossier (naming both).
    expect(groups.map((group) => group.school)).toEqual([SOURCE, TARGET].sort());
    for (const group of groups) {
      expect(group.entries.map((entry) => entry.type)).toEqual(
        expect.arrayContaining(['request_created', 'dossier_fetched']),
      );
      for (const entry of group.entries) {
        expect(entry).toMatchObject({
          transferId,
          actor: { kind: 'vendor', id: 'vo-las', certificateFingerprint: voFingerprint },
        });
      }
    }
    // The sending vendor's staging is not vo-las's doing.
    const types = groups.flatMap((group) => group.entries.map((entry) => entry.type));
    expect(types).not.toContain('version_staged');
    const foreign = await otherOfficer.get(`/v1/audit/incidents?certificate=${voFingerprint}`);
    expect(foreign.body).toMatchObject({ schools: [], withoutSchool: [] });
  });

  it('shares one whole-log integrity check, reuses it for its age, says which checkpoint and when, and records every call', async () => {
    const before = Number(
      (await database.query('SELECT max(id) AS id FROM exchange_log_entries')).rows[0].id,
    );
    const answers = await Promise.all([
      officer.get('/v1/audit/integrity'),
      inspectorate.get('/v1/audit/integrity'),
      officer.get('/v1/audit/integrity'),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);
    const [first] = answers;
    expect(first.body).toMatchObject({ ok: true, checkedAt: expect.any(String) });
    for (const answer of answers) expect(answer.body).toEqual(first.body);
    expect(openCheckpoint(first.body.checkpoint as string, [pki.logVerifierKey]).checkpoint.size).toBe(
      first.body.treeSize,
    );

    // The log moves on (the calls above are entries) and a newer checkpoint is signed; within the default
    // age the same check still answers, naming the older checkpoint it covers.
    const newer = await untilCheckpointed(database);
    expect(newer).toBeGreaterThan(first.body.treeSize as number);
    const again = await officer.get('/v1/audit/integrity');
    expect(again.body).toEqual(first.body);

    const { rows } = await database.query(
      `SELECT actor_id, details FROM exchange_log_entries
        WHERE id > $1 AND event_type = 'auditor_query' ORDER BY id`,
      [before],
    );
    expect(rows.map((row) => [row.actor_id, row.details.query])).toEqual(
      expect.arrayContaining([
        ['board-officer', 'integrity'],
        ['inspectorate', 'integrity'],
      ]),
    );
    expect(rows.filter((row) => row.details.query === 'integrity')).toHaveLength(4);
  });

  it('answers entry and consistency proofs against signed checkpoints, and refuses sizes beyond them', async () => {
    const earlier = openCheckpoint((await officer.get('/v1/audit/checkpoint')).raw.toString('utf8'), [
      pki.logVerifierKey,
    ]).checkpoint;
    const { rows } = await database.query(
      `SELECT id::text FROM exchange_log_entries WHERE transfer_id = $1 AND event_type = 'request_created'`,
      [transferId],
    );
    const answer = await officer.get(`/v1/audit/entries/${rows[0].id}/proof`);
    expect(answer.status).toBe(200);
    const proof = answer.body as {
      leaf: string;
      leafIndex: number;
      treeSize: number;
      inclusionProof: string[];
      checkpoint: string;
    };
    const { checkpoint } = openCheckpoint(proof.checkpoint, [pki.logVerifierKey]);
    const path = proof.inclusionProof.map((hash) => Buffer.from(hash, 'base64'));
    expect(
      verifyInclusion(
        leafHash(Buffer.from(proof.leaf)),
        proof.leafIndex,
        checkpoint.size,
        path,
        checkpoint.rootHash,
      ),
    ).toBe(true);
    const hidden = await otherOfficer.get(`/v1/audit/entries/${rows[0].id}/proof`);
    expect([hidden.status, hidden.body.error]).toEqual([404, 'LOG_ENTRY_NOT_FOUND']);

    const latestSize = await untilCheckpointed(database); // the queries above are entries too: the tree grew
    expect(latestSize).toBeGreaterThan(earlier.size);
    const consistency = await officer.get(`/v1/audit/consistency?from=${earlier.size}`);
    expect(consistency.status).toBe(200);
    const later = openCheckpoint(consistency.body.checkpoint as string, [pki.logVerifierKey]).checkpoint;
    expect(consistency.body).toMatchObject({ fromSize: earlier.size, toSize: later.size });
    const steps = (consistency.body.consistencyProof as string[]).map((hash) => Buffer.from(hash, 'base64'));
    expect(verifyConsistency(earlier.size, later.size, earlier.rootHash, later.rootHash, steps)).toBe(true);
    for (const query of [`from=${latestSize + 5}`, 'from=0', `from=1&to=${latestSize + 100}`]) {
      const refused = await officer.get(`/v1/audit/consistency?${query}`);
      expect([query, refused.status, refused.body.error]).toEqual([query, 400, 'LOG_TREE_SIZE_OUT_OF_RANGE']);
    }
  });

  it('exports a board’s entries with proofs that verify, failing at any entry with a byte changed', async () => {
    const earlier = (await officer.get('/v1/audit/checkpoint')).raw.toString('utf8');
    const earlierSize = openCheckpoint(earlier, [pki.logVerifierKey]).checkpoint.size;
    await untilCheckpointed(database);
    const exported = await officer.get(`/v1/audit/export?previous=${earlierSize}`);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/jsonl/);
    const text = exported.raw.toString('utf8');
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      format: 'oso-exchange-log-export/v2',
      consistency: { fromSize: earlierSize },
    });
    for (const line of lines.slice(1)) {
      const schools = Object.values(JSON.parse(line).entry.schools);
      expect(schools.some((school) => school === SOURCE || school === TARGET)).toBe(true);
      expect(schools).not.toContain(FOREIGN);
    }
    for (const secret of [BSN, PUPIL.geboortedatum, '20140602']) expect(text).not.toContain(secret);
    const verdict = await verifyLogExport(lines, {
      verifierKey: pki.logVerifierKey,
      previousCheckpoint: earlier,
    });
    expect(verdict).toMatchObject({
      ok: true,
      partial: { entries: lines.length - 1 },
      previous: { size: earlierSize },
    });

    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index];
      const at = line.indexOf('"entry":') + 20;
      const tampered = [...lines];
      tampered[index] = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
      const failed = await verifyLogExport(tampered, { verifierKey: pki.logVerifierKey });
      expect({ index, failed }).toMatchObject({ index, failed: { ok: false, problem: { line: index + 1 } } });
    }

    const whole = await inspectorate.get('/v1/audit/export');
    const wholeLines = whole.raw.toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(wholeLines[0]).format).toBe('oso-exchange-log-export/v1');
    expect(
      await verifyLogExport(wholeLines, { verifierKey: pki.logVerifierKey, previousCheckpoint: earlier }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('answers as its OpenAPI document says, route by route', async () => {
    const document = (await officer.get('/docs-json')).body as {
      components: { schemas: Record<string, JsonSchema> };
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>
      >;
    };
    const { rows } = await database.query(
      `SELECT id::text FROM exchange_log_entries WHERE transfer_id = $1 ORDER BY id LIMIT 1`,
      [transferId],
    );
    const calls: Array<[string, string, () => Promise<ApiResponse>]> = [
      ['get', '/v1/audit/entries', () => officer.get('/v1/audit/entries?proofs=true&limit=5')],
      [
        'get',
        '/v1/audit/transfers/{transferId}/timeline',
        () => officer.get(`/v1/audit/transfers/${transferId}/timeline`),
      ],
      ['get', '/v1/audit/integrity', () => officer.get('/v1/audit/integrity')],
      ['post', '/v1/audit/pupil-reports', () => officer.post('/v1/audit/pupil-reports', PUPIL)],
      [
        'get',
        '/v1/audit/incidents',
        () => inspectorate.get(`/v1/audit/incidents?certificate=${officerFingerprint}`),
      ],
      [
        'get',
        '/v1/audit/entries/{entryId}/proof',
        () => officer.get(`/v1/audit/entries/${rows[0].id}/proof`),
      ],
      ['get', '/v1/audit/consistency', () => officer.get('/v1/audit/consistency?from=1')],
    ];
    for (const [method, path, call] of calls) {
      const answer = await call();
      const schema = document.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
      expect([path, answer.status, schema !== undefined]).toEqual([path, 200, true]);
      expect([path, schemaProblems(document, schema!, answer.body)]).toEqual([path, []]);
    }
  });

  it('refuses vendors on the report, proof and export routes with 403 AUDITOR_ONLY', async () => {
    for (const [method, path] of [
      ['POST', '/v1/audit/pupil-reports'],
      ['GET', `/v1/audit/incidents?certificate=${voFingerprint}`],
      ['GET', '/v1/audit/entries/1/proof'],
      ['GET', '/v1/audit/consistency?from=1'],
      ['GET', '/v1/audit/export'],
    ]) {
      const answer = method === 'POST' ? await vo.post(path, PUPIL) : await vo.get(path);
      expect([path, answer.status, answer.body.error]).toEqual([path, 403, 'AUDITOR_ONLY']);
    }
  });
});
