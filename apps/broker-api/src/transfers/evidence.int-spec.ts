import { generateDossier } from '@app/oso-dataset';
import { Client } from 'pg';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * Evidence of inzage and consent, and the release gate on the request path (issue #11), over the real
 * broker: mutual TLS, signed requests, PostgreSQL, the vault (the gate reads the birth date and the
 * dossier's inzage block from the sealed version) and the exchange log.
 */
const INZAGE_DAY = '2026-10-01';
const DOSSIER_DAY = '2026-10-15';

let seed = 100;
/** A generated dossier from `school` for a new pupil born on `born`; its bytes and its pupil. */
function dossier(profile: 'POVO' | 'VOVO', school: { brin: string; vestiging: string }, born: string) {
  seed += 1;
  const bsn = generateDossier({ profile, seed, school }).pupil.bsn as string;
  const pupil = { bsn, geboortedatum: born };
  const generated = generateDossier({
    profile,
    seed,
    school,
    pupil,
    date: DOSSIER_DAY,
    inzage: { datum: INZAGE_DAY, toestemming: profile === 'VOVO' ? 'Ja' : undefined },
  });
  return { bytes: Buffer.from(generated.xml, 'utf8'), pupil };
}

describe('evidence and the release gate on the request path', () => {
  let exchange: Exchange<'po' | 'vo' | 'vosend' | 'other'>;
  let database: Client;
  let po: VendorClient; // sends for 00YY00 (PO)
  let vo: VendorClient; // receives for 01XZ00 (VO)
  let vosend: VendorClient; // sends for 05GH00 (VO)
  let other: VendorClient; // no business with these transfers

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'evidence',
      schools: [
        { code: '00YY00', name: 'Testschool', sector: 'PO' },
        { code: '01XZ00', name: 'Het College', sector: 'VO' },
        { code: '05GH00', name: 'Het Lyceum', sector: 'VO' },
        { code: '02AB00', name: 'Ander College', sector: 'VO' },
      ],
      vendors: {
        po: { id: 'po-las', sends: ['00YY00'] },
        vo: { id: 'vo-las', receives: ['01XZ00'] },
        vosend: { id: 'vo-send-las', sends: ['05GH00'] },
        other: { id: 'other-las', receives: ['02AB00'] },
      },
    });
    ({ database } = exchange);
    ({ po, vo, vosend, other } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  /** A request from 01XZ00 and the sender's dossier staged for it: the transfer id and version hash. */
  async function stagedTransfer(
    sender: VendorClient,
    profile: 'POVO' | 'VOVO',
    born = '2014-04-04',
  ): Promise<{ id: string; versionHash: string; bytes: Buffer }> {
    const school = profile === 'POVO' ? { brin: '00YY', vestiging: '00' } : { brin: '05GH', vestiging: '00' };
    const { bytes, pupil } = dossier(profile, school, born);
    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: `${school.brin}${school.vestiging}`,
      pupil,
    });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const staged = await sender.put(`/v1/transfers/${id}/dossier`, bytes);
    expect(staged.status).toBe(201);
    const version = staged.body.version as { canonicalSha256: string };
    return { id, versionHash: version.canonicalSha256, bytes };
  }

  const inzage = (versionHash: string, extra: Record<string, unknown> = {}) => ({
    kind: 'inzage',
    versionHash,
    receivingSchool: '01XZ00',
    date: INZAGE_DAY,
    givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
    how: 'letter',
    ...extra,
  });
  const consent = (versionHash: string, decision: 'granted' | 'refused', ref = 'ouder-1') => ({
    kind: 'consent',
    versionHash,
    receivingSchool: '01XZ00',
    date: INZAGE_DAY,
    decision,
    by: { role: 'parent_with_gezag', ref },
    form: 'signed_declaration',
    declaration: { sha256: 'ab'.repeat(32), mediaType: 'application/pdf' },
  });

  const stateOf = async (id: string) =>
    (await database.query<{ state: string }>('SELECT state FROM transfers WHERE id = $1', [id])).rows[0]
      .state;
  const outboxRows = async (id: string) =>
    (
      await database.query<{ version_hash: string }>(
        'SELECT version_hash FROM release_outbox WHERE transfer_id = $1',
        [id],
      )
    ).rows;
  const evidenceCount = async () =>
    Number((await database.query<{ n: string }>('SELECT count(*) AS n FROM evidence_records')).rows[0].n);
  const logEntries = async (ids: string[]) =>
    (
      await database.query<{ event_type: string; details: Record<string, unknown> }>(
        'SELECT event_type, details FROM exchange_log_entries WHERE id = ANY($1::bigint[]) ORDER BY id',
        [ids],
      )
    ).rows;
  const entryIdsOf = (header: unknown) =>
    String(header ?? '')
      .split(/\s*,\s*/)
      .filter(Boolean);

  it('releases a PO dossier on the recorded inzage: release_queued, an outbox row, and its log entries', async () => {
    const { id, versionHash } = await stagedTransfer(po, 'POVO');
    expect(await stateOf(id)).toBe('awaiting_evidence');
    const answer = await po.post(
      `/v1/transfers/${id}/evidence`,
      inzage(versionHash, { remarks: 'Wij zijn het niet eens.' }),
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      transferState: 'release_queued',
      decision: { outcome: 'release', policy: { id: 'consent-for-vo', version: 1 } },
      record: {
        kind: 'inzage',
        versionHash,
        receivingSchool: '01XZ00',
        actor: { role: 'parent_with_gezag', ref: 'ouder-1' },
      },
    });
    expect((answer.body.record as { remarksSha256: string }).remarksSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await stateOf(id)).toBe('release_queued');
    expect(await outboxRows(id)).toEqual([{ version_hash: versionHash }]);

    const entries = await logEntries(entryIdsOf(answer.headers['x-log-entry']));
    expect(entries.map((entry) => entry.event_type)).toEqual([
      'evidence_recorded',
      'gate_decided',
      'state_changed',
    ]);
    expect(entries[0].details).toEqual({
      kind: 'inzage',
      evidenceId: (answer.body.record as { id: string }).id,
    });
    expect(entries[1].details).toMatchObject({
      outcome: 'release',
      policy: 'consent-for-vo',
      policyVersion: 1,
    });
    expect(entries[2].details).toEqual({
      from: 'awaiting_evidence',
      to: 'release_queued',
      event: 'queue_release',
    });
    // No person, no remarks in the log.
    expect(JSON.stringify(entries)).not.toMatch(/ouder-1|niet eens/);

    // Recording again after the gate queued the release queues nothing twice.
    const again = await po.post(`/v1/transfers/${id}/evidence`, inzage(versionHash, { how: 'conversation' }));
    expect(again.body).toMatchObject({ transferState: 'release_queued', decision: { outcome: 'release' } });
    expect(await outboxRows(id)).toHaveLength(1);
  });

  it('asks the gate again when the same content is staged anew, and makes a changed version wait', async () => {
    const { id, versionHash, bytes } = await stagedTransfer(po, 'POVO');
    await po.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    expect(await stateOf(id)).toBe('release_queued');

    // The same canonical dossier again: a new version row whose content already has its inzage.
    const again = await po.put(`/v1/transfers/${id}/dossier`, bytes);
    expect(again.status).toBe(201);
    expect((again.body.version as { canonicalSha256: string }).canonicalSha256).toBe(versionHash);
    expect(await stateOf(id)).toBe('release_queued');
    const entries = await logEntries(entryIdsOf(again.headers['x-log-entry']));
    expect(entries.map((entry) => entry.event_type)).toEqual([
      'version_staged',
      'request_matched',
      'state_changed',
      'gate_decided',
      'state_changed',
    ]);
    expect(await outboxRows(id)).toHaveLength(2);

    // Changed content needs its own evidence: the transfer waits, and no outbox row is added. (A change
    // of the parents' remarks only would keep the inzage: remarks-only-version.int-spec.ts.)
    const changed = Buffer.from(
      bytes.toString('utf8').replace(/<pakketversie>[^<]*</, '<pakketversie>changed<'),
    );
    expect(changed.equals(bytes)).toBe(false);
    const staged = await po.put(`/v1/transfers/${id}/dossier`, changed);
    expect(staged.status).toBe(201);
    expect((staged.body.version as { canonicalSha256: string }).canonicalSha256).not.toBe(versionHash);
    expect(await stateOf(id)).toBe('awaiting_evidence');
    expect(await outboxRows(id)).toHaveLength(2);
    const history = await po.get(`/v1/transfers/${id}/evidence`);
    expect(history.body).toMatchObject({ transferState: 'awaiting_evidence', decision: { outcome: 'wait' } });
  });

  it('releases a VO dossier only after inzage and then consent', async () => {
    const { id, versionHash } = await stagedTransfer(vosend, 'VOVO');
    const first = await vosend.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ transferState: 'awaiting_evidence', decision: { outcome: 'wait' } });
    expect(await outboxRows(id)).toHaveLength(0);
    const second = await vosend.post(`/v1/transfers/${id}/evidence`, consent(versionHash, 'granted'));
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ transferState: 'release_queued', decision: { outcome: 'release' } });
    expect(await outboxRows(id)).toEqual([{ version_hash: versionHash }]);
  });

  it('takes a queued release back when consent is withdrawn before the worker acts', async () => {
    const { id, versionHash } = await stagedTransfer(vosend, 'VOVO');
    await vosend.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    await vosend.post(`/v1/transfers/${id}/evidence`, consent(versionHash, 'granted'));
    expect(await stateOf(id)).toBe('release_queued');
    const withdrawn = await vosend.post(`/v1/transfers/${id}/evidence`, {
      kind: 'consent_withdrawn',
      versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      by: { role: 'parent_with_gezag', ref: 'ouder-1' },
    });
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body).toMatchObject({ transferState: 'blocked', decision: { outcome: 'block' } });
    expect(await stateOf(id)).toBe('blocked');
  });

  it('lets a pupil of 16 decide: a parent’s consent waits, the pupil’s own releases', async () => {
    const { id, versionHash } = await stagedTransfer(vosend, 'VOVO', '2009-06-01');
    const toPupil = { ...inzage(versionHash), givenTo: { role: 'pupil' } };
    expect((await vosend.post(`/v1/transfers/${id}/evidence`, toPupil)).status).toBe(201);
    const byParent = await vosend.post(`/v1/transfers/${id}/evidence`, consent(versionHash, 'granted'));
    expect(byParent.body).toMatchObject({
      transferState: 'awaiting_evidence',
      decision: { outcome: 'wait' },
    });
    const byPupil = await vosend.post(`/v1/transfers/${id}/evidence`, {
      ...consent(versionHash, 'granted'),
      by: { role: 'pupil' },
      form: 'digital_confirmation',
      declaration: undefined,
    });
    expect(byPupil.status).toBe(201);
    expect(byPupil.body).toMatchObject({ transferState: 'release_queued', decision: { outcome: 'release' } });
  });

  it('blocks a VO dossier whose consent is refused, and lets the receiver see only the gate’s state', async () => {
    const { id, versionHash } = await stagedTransfer(vosend, 'VOVO');
    await vosend.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    const refused = await vosend.post(
      `/v1/transfers/${id}/evidence`,
      consent(versionHash, 'refused', 'voogd-2'),
    );
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({ transferState: 'blocked', decision: { outcome: 'block' } });
    expect(await stateOf(id)).toBe('blocked');
    expect(await outboxRows(id)).toHaveLength(0);

    const sender = await vosend.get(`/v1/transfers/${id}/evidence`);
    expect(sender.status).toBe(200);
    expect(sender.body).toMatchObject({
      role: 'source',
      transferState: 'blocked',
      decision: { outcome: 'block' },
    });
    expect(sender.body.records).toHaveLength(2);
    expect(JSON.stringify(sender.body)).toContain('voogd-2');

    const receiver = await vo.get(`/v1/transfers/${id}/evidence`);
    expect(receiver.status).toBe(200);
    expect(receiver.body).toMatchObject({
      role: 'target',
      transferState: 'blocked',
      decision: { outcome: 'block' },
    });
    expect(receiver.body.records).toBeUndefined();
    const seen = JSON.stringify(receiver.body);
    expect(seen).not.toMatch(/voogd-2|ouder-1|parent_with_gezag|refused|evidence":\[/);
    for (const reason of (receiver.body.decision as { reasons: Array<Record<string, unknown>> }).reasons) {
      expect(Object.keys(reason).sort()).toEqual(['code', 'message']);
    }

    const stranger = await other.get(`/v1/transfers/${id}/evidence`);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error).toBe('TRANSFER_NOT_FOUND');
  });

  describe('refuses hostile evidence bodies with 400 and a code, and records nothing', () => {
    let transfer: { id: string; versionHash: string };
    beforeAll(async () => {
      transfer = await stagedTransfer(po, 'POVO');
    });

    type Body = (versionHash: string) => Record<string, unknown>;
    it.each<[string, Body, string]>([
      ['an impossible date', (hash) => inzage(hash, { date: '2026-02-30' }), 'EVIDENCE_INVALID'],
      ['a date in another format', (hash) => inzage(hash, { date: '01-10-2026' }), 'EVIDENCE_INVALID'],
      ['an unknown kind', (hash) => ({ ...inzage(hash), kind: 'approval' }), 'EVIDENCE_INVALID'],
      ['an unknown field', (hash) => inzage(hash, { pupilName: 'x' }), 'EVIDENCE_INVALID'],
      [
        'a name in ref',
        (hash) => inzage(hash, { givenTo: { role: 'parent_with_gezag', ref: 'Jan de Vries' } }),
        'EVIDENCE_INVALID',
      ],
      [
        'a pupil with a ref',
        (hash) => inzage(hash, { givenTo: { role: 'pupil', ref: 'leerling-1' } }),
        'EVIDENCE_INVALID',
      ],
      [
        'a signed declaration without its hash',
        (hash) => ({ ...consent(hash, 'granted'), declaration: undefined }),
        'EVIDENCE_INVALID',
      ],
      [
        'a BSN in the remarks',
        (hash) => inzage(hash, { remarks: 'BSN 123456782 zag het dossier' }),
        'EVIDENCE_PERSONAL_DATA',
      ],
      ['a BSN in an unknown field', (hash) => inzage(hash, { note: '123456782' }), 'EVIDENCE_PERSONAL_DATA'],
      [
        'a BSN as ref',
        (hash) => inzage(hash, { givenTo: { role: 'voogd', ref: 'x123456782' } }),
        'EVIDENCE_PERSONAL_DATA',
      ],
    ])('%s', async (_what, body, code) => {
      const before = await evidenceCount();
      const answer = await po.post(`/v1/transfers/${transfer.id}/evidence`, body(transfer.versionHash));
      expect([answer.status, answer.body.error]).toEqual([400, code]);
      expect(answer.body.message).toMatch(/nothing was recorded/i);
      expect(JSON.stringify(answer.body)).not.toMatch(/123456782|Jan de Vries/);
      expect(await evidenceCount()).toBe(before);
      expect(await stateOf(transfer.id)).toBe('awaiting_evidence');
    });
  });

  it('refuses evidence for another version or school (422), from the receiver (403), and records nothing', async () => {
    const { id, versionHash } = await stagedTransfer(po, 'POVO');
    const before = await evidenceCount();
    const otherVersion = await po.post(`/v1/transfers/${id}/evidence`, inzage('cd'.repeat(32)));
    expect([otherVersion.status, otherVersion.body.error]).toEqual([422, 'EVIDENCE_NOT_FOR_THIS_TRANSFER']);
    const otherSchool = await po.post(
      `/v1/transfers/${id}/evidence`,
      inzage(versionHash, { receivingSchool: '02AB00' }),
    );
    expect([otherSchool.status, otherSchool.body.error]).toEqual([422, 'EVIDENCE_NOT_FOR_THIS_TRANSFER']);
    const receiver = await vo.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    expect([receiver.status, receiver.body.error]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(await evidenceCount()).toBe(before);
  });

  it('takes no evidence for a request that has no staged dossier yet (409), recording nothing', async () => {
    const { pupil } = dossier('POVO', { brin: '00YY', vestiging: '00' }, '2014-04-04');
    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil,
    });
    const before = await evidenceCount();
    const answer = await po.post(
      `/v1/transfers/${requested.body.id as string}/evidence`,
      inzage('ef'.repeat(32)),
    );
    expect([answer.status, answer.body.error]).toEqual([409, 'TRANSFER_STATE_CONFLICT']);
    expect(await evidenceCount()).toBe(before);
    expect(await stateOf(requested.body.id as string)).toBe('requested');
  });

  it('lets the runtime role only add and read evidence and outbox rows', async () => {
    const { rows } = await database.query<{ table: string; privilege: string; allowed: boolean }>(
      `SELECT t AS table, p AS privilege, has_table_privilege('oso_broker_runtime', t, p) AS allowed
         FROM unnest(ARRAY['evidence_records', 'release_outbox']) AS t,
              unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p`,
    );
    for (const row of rows)
      expect(row).toEqual({ ...row, allowed: ['SELECT', 'INSERT'].includes(row.privilege) });
    expect(rows).toHaveLength(10);
  });
});
