import { SEQUENCER_LOCK_KEY, leafHash, openCheckpoint, verifyInclusion } from '@app/exchange-log';
import { Client } from 'pg';
import { sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { TestPki } from '../../../../test/support/test-pki';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';
import { TEST_BOARD } from '../../../../test/support/school-boards';

/**
 * Vendors hold the broker to account on the real broker: its sequencer (started with the API) integrates
 * a transfer's entries and signs a checkpoint; a vendor of one of the entry's schools gets the checkpoint
 * and the entry's inclusion proof, and checks both with nothing but the log's public key. Everyone else
 * is told the entry does not exist.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const OTHER = '03XZ00';
const [BSN] = validBsns(1, 32_000_000);
/** Generous: the sequencer checkpoints within about a second; a loaded CI machine may take longer. */
const CHECKPOINT_WAIT_MS = 20_000;

describe('vendors hold the broker to account (exchange log proofs)', () => {
  let exchange: Exchange<'vo' | 'stranger' | 'auditor'>;
  let pki: TestPki;
  let database: Client;
  let vo: VendorClient;
  let stranger: VendorClient;
  let auditor: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'exchange_log_proofs',
      schools: [
        { code: SOURCE, name: 'Basisschool', sector: 'PO' },
        { code: TARGET, name: 'College', sector: 'VO' },
        { code: OTHER, name: 'Ander College', sector: 'VO' },
      ],
      vendors: {
        vo: { id: 'vo-las', receives: [TARGET] },
        stranger: { id: 'other-las', receives: [OTHER] },
      },
      auditors: { auditor: { name: 'privacy-officer', boards: [TEST_BOARD] } },
    });
    ({ pki, database } = exchange);
    ({ vo, stranger, auditor } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  /** Holds the sequencer's lock, as another broker process would: nothing is integrated meanwhile. */
  const holdSequencerLock = () => database.query('SELECT pg_advisory_lock($1)', [SEQUENCER_LOCK_KEY]);
  const releaseSequencerLock = () => database.query('SELECT pg_advisory_unlock($1)', [SEQUENCER_LOCK_KEY]);

  /** Asks until the answer is no longer "not yet" (bounded); returns the last answer. */
  async function untilIntegrated(ask: () => Promise<ApiResponse>): Promise<ApiResponse> {
    const deadline = Date.now() + CHECKPOINT_WAIT_MS;
    for (;;) {
      const answer = await ask();
      const notYet = answer.status === 409 || answer.status === 503;
      if (!notYet || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('answers 503 LOG_CHECKPOINT_NOT_YET_MADE, with Retry-After, while the log has no checkpoint', async () => {
    const answer = await vo.get('/v1/log/checkpoint');
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('LOG_CHECKPOINT_NOT_YET_MADE');
    expect(answer.headers['retry-after']).toBe('1');
  });

  it('answers 409 LOG_ENTRY_NOT_YET_INTEGRATED with Retry-After, then a proof that verifies with the log key', async () => {
    await holdSequencerLock();
    let entryIds: string[];
    try {
      const requested = await vo.post('/v1/transfers', {
        targetSchool: TARGET,
        sourceSchool: SOURCE,
        pupil: { bsn: BSN, geboortedatum: '2014-06-02' },
      });
      expect(requested.status).toBe(201);
      const { rows } = await database.query(
        'SELECT id::text FROM exchange_log_entries WHERE transfer_id = $1 ORDER BY id',
        [requested.body.id],
      );
      entryIds = rows.map((row) => row.id as string);
      expect(entryIds).toHaveLength(1); // request_created
      const early = await vo.get(`/v1/log/entries/${entryIds[0]}/proof`);
      expect(early.status).toBe(409);
      expect(early.body.error).toBe('LOG_ENTRY_NOT_YET_INTEGRATED');
      expect(early.headers['retry-after']).toBe('1');
    } finally {
      await releaseSequencerLock();
    }

    const answer = await untilIntegrated(() => vo.get(`/v1/log/entries/${entryIds[0]}/proof`));
    expect(answer.status).toBe(200);
    const proof = answer.body as {
      entryId: string;
      leaf: string;
      leafIndex: number;
      treeSize: number;
      inclusionProof: string[];
      checkpoint: string;
    };
    expect(proof.entryId).toBe(entryIds[0]);
    expect(JSON.parse(proof.leaf)).toMatchObject({
      id: entryIds[0],
      type: 'request_created',
      actor: { kind: 'vendor', id: 'vo-las' },
      schools: { source: SOURCE, target: TARGET },
    });
    expect(proof.leaf).not.toContain(BSN);

    // The vendor's own check: the signature with the log's public key, then the path to the signed root.
    const { checkpoint } = openCheckpoint(proof.checkpoint, [pki.logVerifierKey]);
    expect(checkpoint.size).toBe(proof.treeSize);
    const hashes = proof.inclusionProof.map((hash) => Buffer.from(hash, 'base64'));
    const leaf = leafHash(Buffer.from(proof.leaf, 'utf8'));
    expect(verifyInclusion(leaf, proof.leafIndex, proof.treeSize, hashes, checkpoint.rootHash)).toBe(true);
    // A leaf changed by one character does not verify: the proof binds these exact bytes.
    const altered = leafHash(Buffer.from(proof.leaf.replace('vo-las', 'vo-lat'), 'utf8'));
    expect(verifyInclusion(altered, proof.leafIndex, proof.treeSize, hashes, checkpoint.rootHash)).toBe(
      false,
    );

    // The latest checkpoint, as text, verifies with the same key and covers the entry.
    const latest = await vo.get('/v1/log/checkpoint');
    expect(latest.status).toBe(200);
    expect(latest.headers['content-type']).toMatch(/^text\/plain/);
    const opened = openCheckpoint(latest.raw.toString('utf8'), [pki.logVerifierKey]);
    expect(opened.checkpoint.size).toBeGreaterThan(proof.leafIndex);
    expect(opened.checkpoint.origin).toBe(checkpoint.origin);
  });

  it('tells a vendor of none of the entry’s schools, and for an unknown id, 404 LOG_ENTRY_NOT_FOUND alike', async () => {
    const { rows } = await database.query(
      `SELECT id::text FROM exchange_log_entries WHERE event_type = 'request_created' ORDER BY id LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const theirs = await stranger.get(`/v1/log/entries/${rows[0].id}/proof`);
    const missing = await stranger.get('/v1/log/entries/999999999999/proof');
    const malformed = await stranger.get('/v1/log/entries/1e3/proof');
    // Hostile ids: zero, negative, past bigint, SQL and NUL bytes, very long: refused the same way.
    const hostile = [];
    for (const id of ['0', '-1', '12345678901234567890', '1%3Bselect%201', '1%00', '9'.repeat(4000)]) {
      hostile.push(await stranger.get(`/v1/log/entries/${id}/proof`));
    }
    for (const answer of [theirs, missing, malformed, ...hostile]) {
      expect([answer.status, answer.body.error]).toEqual([404, 'LOG_ENTRY_NOT_FOUND']);
    }
    // The same words: nothing tells an entry that exists from one that does not.
    expect(theirs.body.message).toBe(missing.body.message);
    // The checkpoint itself is for everyone with a certificate: it names no school.
    expect((await stranger.get('/v1/log/checkpoint')).status).toBe(200);
    const audited = await auditor.get(`/v1/log/entries/${rows[0].id}/proof`);
    expect([audited.status, audited.body.error]).toEqual([403, 'VENDOR_ONLY']);
  });
});
