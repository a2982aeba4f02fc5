import { generateDossier } from '@app/oso-dataset';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  DOSSIER_DAY,
  INZAGE_DAY,
  releaseFromOutbox,
  releasesOf,
  transferState,
} from '../../../../test/support/release-steps';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * The sender decides where a dossier goes (issue #11, item 1), over the real broker: a version staged
 * ahead and matched to a request waits for the sender's approval; the receiver learns nothing of it
 * until then; only the school the sender named ever gets it released (the worker's step releases).
 */
let seed = 1100;

/** A PO dossier of a new pupil at 00YY00, and the pupil key a receiving school asks with. */
function poDossier(remarks?: string) {
  seed += 1;
  const school = { brin: '00YY', vestiging: '00' };
  const bsn = generateDossier({ profile: 'POVO', seed, school }).pupil.bsn as string;
  const pupil = { bsn, geboortedatum: '2014-04-04' };
  const { xml } = generateDossier({
    profile: 'POVO',
    seed,
    school,
    pupil,
    date: DOSSIER_DAY,
    inzage: { datum: INZAGE_DAY, ...(remarks ? { remarks } : {}) },
  });
  const bytes = Buffer.from(xml, 'utf8');
  return { bytes, pupil, sha256: createHash('sha256').update(bytes).digest('hex') };
}

describe('the sender names the receiving school: approving the match of a version staged ahead', () => {
  let exchange: Exchange<'po' | 'vo' | 'other'>;
  let database: Client;
  let po: VendorClient; // sends for 00YY00 (PO)
  let vo: VendorClient; // receives for 01XZ00
  let other: VendorClient; // receives for 02AB00

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'match_approval',
      schools: [
        { code: '00YY00', name: 'Testschool', sector: 'PO' },
        { code: '01XZ00', name: 'Het College', sector: 'VO' },
        { code: '02AB00', name: 'Ander College', sector: 'VO' },
      ],
      vendors: {
        po: { id: 'po-las', sends: ['00YY00'] },
        vo: { id: 'vo-las', receives: ['01XZ00'] },
        other: { id: 'other-las', receives: ['02AB00'] },
      },
    });
    ({ database } = exchange);
    ({ po, vo, other } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  const stateOf = (id: string) => transferState(database, id);

  async function request(receiver: VendorClient, target: string, pupil: object): Promise<string> {
    const requested = await receiver.post('/v1/transfers', {
      targetSchool: target,
      sourceSchool: '00YY00',
      pupil,
    });
    expect(requested.status).toBe(201);
    return requested.body.id as string;
  }

  async function stageAhead(bytes: Buffer): Promise<string> {
    const staged = await po.send('POST', '/v1/dossiers', bytes);
    expect(staged.status).toBe(201);
    return (staged.body.version as { canonicalSha256: string }).canonicalSha256;
  }

  const inzageByLetter = (id: string, versionHash: string, receivingSchool = '01XZ00') =>
    po.post(`/v1/transfers/${id}/evidence`, {
      kind: 'inzage',
      versionHash,
      receivingSchool,
      date: INZAGE_DAY,
      givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
      how: 'letter',
    });

  it('releases a version staged ahead only to the school the sender named, after its approval', async () => {
    const { bytes, pupil, sha256 } = poDossier();
    const versionHash = await stageAhead(bytes);

    // The request is matched at once, but the requester sees a plain request: no version, no hash.
    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil,
    });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    expect(requested.body).toMatchObject({ state: 'requested', currentVersion: null });
    expect(requested.raw.toString('utf8')).not.toContain(versionHash);
    // It is told of its request's own entry only, not of the match.
    expect(String(requested.headers['x-log-entry']).split(', ')).toHaveLength(1);
    expect(await stateOf(id)).toBe('awaiting_approval');

    const seen = await vo.get(`/v1/transfers/${id}`);
    expect(seen.body).toMatchObject({ state: 'requested', currentVersion: null });
    expect(seen.body.updatedAt).toBe(seen.body.createdAt);
    expect(seen.body.history).toEqual([expect.objectContaining({ event: 'request', to: 'requested' })]);
    expect(seen.raw.toString('utf8')).not.toMatch(/awaiting_approval|await_approval/);
    const listed = await vo.get('/v1/transfers?role=target&state=requested');
    expect(
      (listed.body.items as Array<{ id: string; state: string }>).find((t) => t.id === id),
    ).toMatchObject({
      state: 'requested',
      currentVersion: null,
    });
    const byHiddenState = await vo.get('/v1/transfers?role=target&state=awaiting_approval');
    expect(byHiddenState.body.items).toEqual([]);
    const evidenceSeen = await vo.get(`/v1/transfers/${id}/evidence`);
    expect(evidenceSeen.body).toEqual({ role: 'target', transferState: 'requested', decision: null });
    // The match's log entry is the sender's: the receiver cannot even fetch its proof.
    const { rows } = await database.query<{ id: string }>(
      `SELECT id FROM exchange_log_entries WHERE transfer_id = $1 AND details->>'event' = 'await_approval'`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect((await vo.get(`/v1/log/entries/${rows[0].id}/proof`)).body.error).toBe('LOG_ENTRY_NOT_FOUND');
    expect((await po.get(`/v1/log/entries/${rows[0].id}/proof`)).status).not.toBe(404);

    // The sender sees the match; a second school requesting the same pupil gets its own match.
    const sender = await po.get(`/v1/transfers/${id}`);
    expect(sender.body).toMatchObject({
      state: 'awaiting_approval',
      currentVersion: { canonicalSha256: versionHash },
    });
    const secondId = await request(other, '02AB00', pupil);
    expect(await stateOf(secondId)).toBe('awaiting_approval');

    // The sender names 01XZ00: the gate waits for evidence, then releases to it.
    const approved = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'awaiting_evidence' });
    expect(approved.headers['x-log-entry']).toBeDefined();
    const afterApproval = await vo.get(`/v1/transfers/${id}`);
    expect(afterApproval.body).toMatchObject({
      state: 'awaiting_evidence',
      currentVersion: { canonicalSha256: versionHash },
    });
    const inzage = await inzageByLetter(id, versionHash);
    expect(inzage.status).toBe(201);
    expect(inzage.body.transferState).toBe('release_queued');
    expect(await releaseFromOutbox(exchange, id)).toEqual(['released']);
    expect(await releasesOf(database, id)).toBe(1);
    const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(200);
    expect(createHash('sha256').update(fetched.raw).digest('hex')).toBe(sha256);

    // The other school, never named, gets nothing: still a plain request to it, no outbox row, no release.
    expect(await stateOf(secondId)).toBe('awaiting_approval');
    expect((await other.get(`/v1/transfers/${secondId}`)).body).toMatchObject({
      state: 'requested',
      currentVersion: null,
    });
    const early = await other.get(`/v1/transfers/${secondId}/dossier`);
    expect(early.body).toMatchObject({
      error: 'DOSSIER_NOT_RELEASED',
      message: expect.stringMatching(/is requested;/),
    });
    const receipt = await other.post(`/v1/transfers/${secondId}/receipt`);
    expect(receipt.body).toMatchObject({ error: 'TRANSFER_STATE_CONFLICT' });
    expect(JSON.stringify([early.body, receipt.body])).not.toMatch(/approval/);
    // Withdrawn, the never-approved match leaves no version on the transfer, for either side.
    const withdrawn = await other.post(`/v1/transfers/${secondId}/withdrawal`);
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', currentVersion: null });
    expect(JSON.stringify(withdrawn.body)).not.toMatch(/approval/);
    expect((await po.get(`/v1/transfers/${secondId}`)).body).toMatchObject({ currentVersion: null });
    const outbox = await database.query('SELECT 1 FROM release_outbox WHERE transfer_id = $1', [secondId]);
    expect(outbox.rowCount).toBe(0);
    expect(await releasesOf(database, secondId)).toBe(0);
    // The approval is a state change by the sending vendor in the log.
    const approvals = await database.query<{ actor_id: string; version_hash: string }>(
      `SELECT actor_id, version_hash FROM exchange_log_entries
        WHERE transfer_id = $1 AND event_type = 'state_changed' AND details->>'event' = 'approve_match'`,
      [id],
    );
    expect(approvals.rows).toEqual([{ actor_id: 'po-las', version_hash: versionHash }]);
  });

  it('refuses evidence until the sender approves the match', async () => {
    const { bytes, pupil } = poDossier();
    const versionHash = await stageAhead(bytes);
    const id = await request(vo, '01XZ00', pupil);
    const refused = await inzageByLetter(id, versionHash);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('MATCH_NOT_APPROVED');
    expect(refused.body.message).toMatch(/match-approval/);
    const stored = await database.query('SELECT 1 FROM evidence_records WHERE transfer_id = $1', [id]);
    expect(stored.rowCount).toBe(0);
    expect(await stateOf(id)).toBe('awaiting_approval');
  });

  it('refuses an approval with a wrong hash or in another state', async () => {
    const { bytes, pupil } = poDossier();
    const versionHash = await stageAhead(bytes);
    const id = await request(vo, '01XZ00', pupil);
    const wrongHash = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash: 'a'.repeat(64) });
    expect([wrongHash.status, wrongHash.body.error]).toEqual([409, 'MATCH_VERSION_MISMATCH']);
    const malformed = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash: 'not-a-hash' });
    expect([malformed.status, malformed.body.error]).toEqual([400, 'REQUEST_INVALID']);
    const byReceiver = await vo.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect([byReceiver.status, byReceiver.body.error]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const byStranger = await other.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect([byStranger.status, byStranger.body.error]).toEqual([404, 'TRANSFER_NOT_FOUND']);
    expect(await stateOf(id)).toBe('awaiting_approval');

    expect((await po.post(`/v1/transfers/${id}/match-approval`, { versionHash })).status).toBe(200);
    const again = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect([again.status, again.body.error]).toEqual([409, 'MATCH_NOT_AWAITING_APPROVAL']);
    expect(again.body.message).toMatch(/awaiting_evidence/);
  });

  it('a refused match sends the request back to requested, without a version and without a trace for the receiver', async () => {
    const { bytes, pupil } = poDossier();
    const versionHash = await stageAhead(bytes);
    const id = await request(vo, '01XZ00', pupil);
    const refused = await po.post(`/v1/transfers/${id}/match-refusal`, { versionHash });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ state: 'requested', currentVersion: null });
    expect(await stateOf(id)).toBe('requested');
    const seen = await vo.get(`/v1/transfers/${id}`);
    expect(seen.body.history).toEqual([expect.objectContaining({ event: 'request' })]);
    // Nothing to approve any more; a version staged for the transfer names the school as before.
    const late = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect(late.body.error).toBe('MATCH_NOT_AWAITING_APPROVAL');
    const put = await po.put(`/v1/transfers/${id}/dossier`, bytes);
    expect(put.status).toBe(201);
    expect(await stateOf(id)).toBe('awaiting_evidence');
  });

  it('staging for one transfer names that school only; the other open request awaits approval', async () => {
    const { bytes, pupil } = poDossier();
    const named = await request(vo, '01XZ00', pupil);
    const unnamed = await request(other, '02AB00', pupil);
    const put = await po.put(`/v1/transfers/${named}/dossier`, bytes);
    expect(put.status).toBe(201);
    expect((put.body.transfers as string[]).sort()).toEqual([named, unnamed].sort());
    expect(await stateOf(named)).toBe('awaiting_evidence');
    expect(await stateOf(unnamed)).toBe('awaiting_approval');
    // A version staged ahead later is named for neither: both wait for the sender's approval of it.
    expect((await po.send('POST', '/v1/dossiers', bytes)).status).toBe(201);
    expect(await stateOf(named)).toBe('awaiting_approval');
    expect(await stateOf(unnamed)).toBe('awaiting_approval');
  });

  it('approving counts evidence already recorded for the same content (the gate looks at once)', async () => {
    const { bytes, pupil } = poDossier();
    const id = await request(vo, '01XZ00', pupil);
    const put = await po.put(`/v1/transfers/${id}/dossier`, bytes);
    const versionHash = (put.body.version as { canonicalSha256: string }).canonicalSha256;
    expect((await inzageByLetter(id, versionHash)).body.transferState).toBe('release_queued');
    // The same content staged again ahead: a new version nobody named, so the release waits for approval.
    expect(await stageAhead(bytes)).toBe(versionHash);
    expect(await stateOf(id)).toBe('awaiting_approval');
    expect((await vo.get(`/v1/transfers/${id}`)).body).toMatchObject({
      state: 'requested',
      currentVersion: null,
    });
    const approved = await po.post(`/v1/transfers/${id}/match-approval`, { versionHash });
    expect(approved.body).toMatchObject({ state: 'release_queued' });
    expect(await releaseFromOutbox(exchange, id)).toContain('released');
    expect(await releasesOf(database, id)).toBe(1);
  });
});
