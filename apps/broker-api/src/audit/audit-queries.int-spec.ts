import { leafHash, openCheckpoint, verifyInclusion } from '@app/exchange-log';
import { X509Certificate } from 'node:crypto';
import { Client } from 'pg';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { validBsns } from '../../../../test/support/dossier-pupil';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { untilCheckpointed } from '../../../../test/support/log-checkpoints';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';
import { AuditQueries, AuditorIdentity } from './audit-queries.service';

/**
 * The auditor queries on the real broker (PostgreSQL, its sequencer, the signed API): a board auditor sees
 * the schools of its board and nothing else, a supervisory one everything; every query is itself an entry
 * that names its filters but none of their values; each entry is checked against the signed checkpoint,
 * and a row a superuser rewrote is named.
 */
const BOARD = '11111';
const OTHER_BOARD = '22222';
const SCHOOLS = { po: '01AA00', vo: '01BB00', otherPo: '02AA00', otherVo: '02BB00' } as const;
const [BSN, OTHER_BSN, ...MORE_BSNS] = validBsns(5, 33_000_000);
const BIRTH_DATE = '2014-03-09';

type Entry = Record<string, unknown> & {
  id: string;
  type: string;
  schools: Record<string, string>;
  leaf: string;
  leafIndex: number | null;
  integrity: string;
  integrityProblem?: string;
  inclusionProof?: string[];
  details: Record<string, unknown>;
};

function fingerprintOf(credentials: ClientCredentials): string {
  return new X509Certificate(credentials.cert).fingerprint256.replace(/:/g, '').toLowerCase();
}

describe('the auditor queries (scope, records, pages, integrity)', () => {
  let exchange: Exchange<'voVendor' | 'otherVendor' | 'officer' | 'otherOfficer' | 'inspectorate'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let officer: VendorClient;
  let otherOfficer: VendorClient;
  let inspectorate: VendorClient;
  let voVendor: VendorClient;
  let officerFingerprint: string;
  let ownTransfer: string;
  let foreignTransfer: string;

  async function allEntries(auditor: VendorClient, query = ''): Promise<Entry[]> {
    const answer = await auditor.get(`/v1/audit/entries?limit=200${query}`);
    expect(answer.status).toBe(200);
    return answer.body.entries as Entry[];
  }

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'audit_queries',
      schools: [
        { code: SCHOOLS.po, name: 'Basisschool', sector: 'PO', board: BOARD },
        { code: SCHOOLS.vo, name: 'College', sector: 'VO', board: BOARD },
        { code: SCHOOLS.otherPo, name: 'Ander PO', sector: 'PO', board: OTHER_BOARD },
        { code: SCHOOLS.otherVo, name: 'Ander VO', sector: 'VO', board: OTHER_BOARD },
      ],
      vendors: {
        voVendor: { id: 'vo-las', receives: [SCHOOLS.vo] },
        otherVendor: { id: 'other-las', receives: [SCHOOLS.otherVo] },
      },
      auditors: {
        officer: { name: 'board-officer', boards: [BOARD] },
        otherOfficer: { name: 'other-officer', boards: [OTHER_BOARD] },
        inspectorate: { name: 'inspectorate', supervisory: true },
      },
      // Each tamper must be seen by the very next integrity call, not after the shared check's age.
      env: { AUDIT_INTEGRITY_MAX_AGE_SECONDS: '0' },
    });
    ({ pki, broker, database } = exchange);
    const { otherVendor } = exchange.clients;
    ({ officer, otherOfficer, inspectorate, voVendor } = exchange.clients);
    officerFingerprint = fingerprintOf(exchange.credentials.officer);
    const requested = await voVendor.post('/v1/transfers', {
      targetSchool: SCHOOLS.vo,
      sourceSchool: SCHOOLS.po,
      pupil: { bsn: BSN, geboortedatum: BIRTH_DATE },
    });
    const foreign = await otherVendor.post('/v1/transfers', {
      targetSchool: SCHOOLS.otherVo,
      sourceSchool: SCHOOLS.otherPo,
      pupil: { bsn: OTHER_BSN, geboortedatum: BIRTH_DATE },
    });
    expect([requested.status, foreign.status]).toEqual([201, 201]);
    for (const bsn of MORE_BSNS) {
      const more = await voVendor.post('/v1/transfers', {
        targetSchool: SCHOOLS.vo,
        sourceSchool: SCHOOLS.po,
        pupil: { bsn, geboortedatum: BIRTH_DATE },
      });
      expect(more.status).toBe(201);
    }
    ownTransfer = requested.body.id as string;
    foreignTransfer = foreign.body.id as string;
    await untilCheckpointed(database);
  });

  afterAll(() => exchange?.close());

  it('shows a board auditor its board’s schools only, and a supervisory auditor everything', async () => {
    const own = await allEntries(officer);
    const named = (entries: Entry[]) => new Set(entries.flatMap((entry) => Object.values(entry.schools)));
    expect(own.map((entry) => entry.transferId)).toContain(ownTransfer);
    expect(own.map((entry) => entry.transferId)).not.toContain(foreignTransfer);
    for (const school of named(own)) expect([SCHOOLS.po, SCHOOLS.vo]).toContain(school);
    // Registry events about no school (vendors, certificates) are for supervisory auditors only.
    expect(own.filter((entry) => Object.keys(entry.schools).length === 0)).toEqual([]);

    const other = await allEntries(otherOfficer);
    expect(other.map((entry) => entry.transferId)).toContain(foreignTransfer);
    expect(other.map((entry) => entry.transferId)).not.toContain(ownTransfer);

    const everything = await allEntries(inspectorate);
    const transfers = everything.map((entry) => entry.transferId);
    expect(transfers).toEqual(expect.arrayContaining([ownTransfer, foreignTransfer]));
    // The board auditors' own queries name no school: only the supervisory auditor sees them.
    const unscoped = everything.filter((entry) => Object.keys(entry.schools).length === 0);
    expect(unscoped.map((entry) => entry.actor)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'auditor', id: 'board-officer' })]),
    );
    // Asking for another board's school gives nothing, not an error that would confirm it.
    expect(await allEntries(officer, `&school=${SCHOOLS.otherVo}`)).toEqual([]);
  });

  it('checks every entry against the signed checkpoint, with proofs that verify with the log key alone', async () => {
    const answer = await officer.get(`/v1/audit/entries?transfer=${ownTransfer}&proofs=true`);
    expect(answer.status).toBe(200);
    const { checkpoint } = openCheckpoint((answer.body.checkpoint as { signedNote: string }).signedNote, [
      pki.logVerifierKey,
    ]);
    const entries = answer.body.entries as Entry[];
    expect(entries.map((entry) => entry.type)).toEqual(['request_created']);
    for (const entry of entries) {
      expect(entry.integrity).toBe('verified');
      const proof = entry.inclusionProof!.map((hash) => Buffer.from(hash, 'base64'));
      const leaf = leafHash(Buffer.from(entry.leaf, 'utf8'));
      expect(verifyInclusion(leaf, entry.leafIndex!, checkpoint.size, proof, checkpoint.rootHash)).toBe(true);
      expect(entry.leaf).not.toContain(BSN);
    }
    const withoutProofs = await allEntries(officer, `&transfer=${ownTransfer}`);
    expect(withoutProofs[0]).not.toHaveProperty('inclusionProof');
  });

  it('gives a transfer’s timeline to the auditors of its schools, and to nobody else', async () => {
    const timeline = await officer.get(`/v1/audit/transfers/${ownTransfer}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.transferId).toBe(ownTransfer);
    const entries = timeline.body.entries as Entry[];
    expect(entries.map((entry) => entry.type)).toEqual(['request_created']);
    expect(entries[0].inclusionProof).toEqual(expect.any(Array));
    expect((await inspectorate.get(`/v1/audit/transfers/${ownTransfer}/timeline`)).status).toBe(200);
    const refused: ApiResponse[] = [
      await otherOfficer.get(`/v1/audit/transfers/${ownTransfer}/timeline`),
      await officer.get('/v1/audit/transfers/0b7e4c1a-52d1-4f0e-9a51-000000000000/timeline'),
      await officer.get('/v1/audit/transfers/not-a-transfer/timeline'),
    ];
    for (const answer of refused) {
      expect([answer.status, answer.body.error]).toEqual([404, 'AUDIT_TRANSFER_NOT_FOUND']);
    }
    expect(refused[0].body.message).toBe(refused[1].body.message);
  });

  it('pages newest first with a cursor, every entry once, and refuses a cursor it did not hand out', async () => {
    const all = await allEntries(inspectorate, '&type=request_created');
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await inspectorate.get(`/v1/audit/entries?type=request_created&limit=2${query}`);
      expect(page.status).toBe(200);
      const entries = page.body.entries as Entry[];
      expect(entries.length).toBeLessThanOrEqual(2);
      seen.push(...entries.map((entry) => entry.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual(all.map((entry) => entry.id));
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));

    const forged = await inspectorate.get('/v1/audit/entries?cursor=bm90LWEtY3Vyc29y');
    expect([forged.status, forged.body.error]).toEqual([400, 'CURSOR_INVALID']);
  });

  it('filters by event type, actor, certificate and time, and refuses filters that cannot match', async () => {
    const byType = await allEntries(inspectorate, '&type=request_created');
    expect(new Set(byType.map((entry) => entry.type))).toEqual(new Set(['request_created']));
    const byActor = await allEntries(inspectorate, '&actorKind=vendor&actorId=vo-las');
    expect(byActor.length).toBeGreaterThan(0);
    for (const entry of byActor) expect(entry.actor).toMatchObject({ kind: 'vendor', id: 'vo-las' });
    const byCertificate = await allEntries(inspectorate, `&certificate=${officerFingerprint}`);
    expect(byCertificate.length).toBeGreaterThan(0);
    for (const entry of byCertificate) {
      expect(entry.actor).toMatchObject({ id: 'board-officer', certificateFingerprint: officerFingerprint });
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await allEntries(inspectorate, `&from=${future}`)).toEqual([]);
    expect((await allEntries(inspectorate, `&to=${future}`)).length).toBeGreaterThan(0);

    for (const query of [
      'school=school',
      'type=pupil_named',
      `from=yesterday`,
      'certificate=ABC',
      'limit=201',
      'transfer=12',
      'unknown=1',
    ]) {
      const answer = await inspectorate.get(`/v1/audit/entries?${query}`);
      expect([query, answer.status, answer.body.error]).toEqual([query, 400, 'AUDIT_FILTER_INVALID']);
    }
  });

  it('records every query as an auditor_query entry naming its filters, never their values', async () => {
    const before = Number(
      (await database.query('SELECT max(id) AS id FROM exchange_log_entries')).rows[0].id,
    );
    await officer.get(`/v1/audit/entries?school=${SCHOOLS.vo}&actorId=vo-las&limit=5`);
    await officer.get(`/v1/audit/transfers/${ownTransfer}/timeline`);
    await officer.get('/v1/audit/checkpoint');
    await officer.get('/v1/audit/integrity');
    const { rows } = await database.query(
      `SELECT actor_kind, actor_id, actor_certificate_fingerprint, subject_school, transfer_id, details
         FROM exchange_log_entries WHERE id > $1 AND event_type = 'auditor_query' ORDER BY id`,
      [before],
    );
    expect(rows.map((row) => row.details.query)).toEqual(['entries', 'timeline', 'checkpoint', 'integrity']);
    for (const row of rows) {
      expect(row).toMatchObject({
        actor_kind: 'auditor',
        actor_id: 'board-officer',
        actor_certificate_fingerprint: officerFingerprint,
      });
    }
    expect(rows[0].details).toEqual({
      query: 'entries',
      filters: ['school', 'actorId'],
      resultCount: expect.any(Number),
    });
    expect(rows[0].subject_school).toBe(SCHOOLS.vo);
    expect(JSON.stringify(rows[0].details)).not.toContain('vo-las');
    expect(rows[1]).toMatchObject({
      transfer_id: ownTransfer,
      details: { query: 'timeline', resultCount: 1 },
    });
  });

  it('answers the checkpoint as a signed note and the log’s integrity as intact', async () => {
    const checkpoint = await officer.get('/v1/audit/checkpoint');
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers['content-type']).toMatch(/^text\/plain/);
    expect(
      openCheckpoint(checkpoint.raw.toString('utf8'), [pki.logVerifierKey]).checkpoint.size,
    ).toBeGreaterThan(0);
    const integrity = await officer.get('/v1/audit/integrity');
    expect(integrity.status).toBe(200);
    expect(integrity.body).toEqual({
      treeSize: expect.any(Number),
      checkpoint: expect.any(String),
      checkedAt: expect.any(String),
      ok: true,
    });
    // The answer names the checkpoint it was checked against, and it verifies with the log key.
    const checked = openCheckpoint(integrity.body.checkpoint as string, [pki.logVerifierKey]).checkpoint;
    expect(checked.size).toBe(integrity.body.treeSize);
    expect(broker.app.get(AuditQueries).logPublicKey()).toBe(pki.logVerifierKey);
  });

  it('refuses vendors on every auditor route with 403 AUDITOR_ONLY', async () => {
    for (const path of [
      '/v1/audit/entries',
      `/v1/audit/transfers/${ownTransfer}/timeline`,
      '/v1/audit/checkpoint',
      '/v1/audit/integrity',
    ]) {
      const answer = await voVendor.get(path);
      expect([path, answer.status, answer.body.error]).toEqual([path, 403, 'AUDITOR_ONLY']);
    }
  });

  it('names the row a superuser changed behind the triggers, in integrity and in the entry’s own flag', async () => {
    await untilCheckpointed(database);
    const [target] = await allEntries(officer, `&transfer=${ownTransfer}`);
    expect(target.integrity).toBe('verified');
    const tamper = async (actorId: string) => {
      await database.query(
        'ALTER TABLE exchange_log_entries DISABLE TRIGGER exchange_log_entries_append_only',
      );
      try {
        await database.query('UPDATE exchange_log_entries SET actor_id = $1 WHERE id = $2', [
          actorId,
          target.id,
        ]);
      } finally {
        await database.query(
          'ALTER TABLE exchange_log_entries ENABLE TRIGGER exchange_log_entries_append_only',
        );
      }
    };
    await tamper('someone-else');
    try {
      // The service itself, as the /audit page calls it.
      const identity: AuditorIdentity = {
        kind: 'auditor',
        auditorName: 'board-officer',
        certificate: { fingerprintSha256: officerFingerprint, serial: '01', notAfter: new Date() },
      };
      const integrity = await broker.app.get(AuditQueries).integrity(identity);
      expect(integrity).toMatchObject({
        ok: false,
        firstProblem: {
          leafIndex: target.leafIndex,
          entryId: target.id,
          problem: expect.stringContaining('does not hash'),
        },
      });
      const [changed] = await allEntries(officer, `&transfer=${ownTransfer}`);
      expect(changed).toMatchObject({
        id: target.id,
        integrity: 'does_not_match_log',
        integrityProblem: expect.stringContaining(`entry ${target.id}`),
      });
      const api = await officer.get('/v1/audit/integrity');
      expect(api.body).toMatchObject({ ok: false, firstProblem: { entryId: target.id } });
    } finally {
      await tamper('vo-las');
    }
    expect((await officer.get('/v1/audit/integrity')).body).toMatchObject({ ok: true });
  });
});
