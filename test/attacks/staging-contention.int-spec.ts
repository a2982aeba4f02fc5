import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { POVO_EXAMPLE, POVO_PUPIL } from '../support/large-dossiers';
import { ApiResponse, VendorClient } from '../support/vendor-client';

/**
 * Defect 10 of issue #8: many uploads for one pupil at once. Staging serialises them on the pupil's
 * line (an advisory lock); the one holding it once asked the pool for a second connection while the
 * others held every connection waiting for that lock, until all failed with 500 after 5 s. Now every
 * answer is a version (201) or a 503 with Retry-After, and versions are numbered without gaps. Since
 * issue #13 same-line requests queue in the process before they take a connection: at most one per
 * process waits on the lock, and the pool keeps serving other pupils.
 */
const PUPIL = POVO_PUPIL; // the pupil of the POVO dossier staged below
const BUSY_CODES = ['TRANSFER_LINE_BUSY', 'DATABASE_BUSY', 'VALIDATION_CAPACITY_EXHAUSTED'];

describe('attack: concurrent uploads for one pupil', () => {
  let exchange: Exchange;
  let database: Client;
  let databaseUrl: string;
  let po: VendorClient;
  let vo: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'attack_staging_contention',
      env: {
        // Let every upload through validation, so that all of them reach the database together.
        VALIDATION_RUNNING_PER_VENDOR: '2',
        VALIDATION_WAITING_PER_VENDOR: '64',
        VALIDATION_WAITING_MB_PER_VENDOR: '64',
      },
    });
    ({ database, databaseUrl } = exchange);
  });

  // Fresh connections for each test: a kept-alive socket the broker closed while idle (its 5 s
  // keep-alive) can be picked for the next burst before this busy process sees it close (ECONNRESET).
  beforeEach(() => {
    po = exchange.newClient('po');
    vo = exchange.newClient('vo');
  });
  afterEach(() => {
    for (const vendor of [po, vo]) vendor?.close();
  });

  afterAll(() => exchange?.close());

  /** Every answer is a staged version or "busy, retry": never a 500, never without Retry-After. */
  function expectStagedOrBusy(answers: ApiResponse[]): { staged: number; busy: string[] } {
    const unexpected = answers.filter(
      (answer) =>
        answer.status !== 201 &&
        !(
          answer.status === 503 &&
          BUSY_CODES.includes(String(answer.body.error)) &&
          Number(answer.headers['retry-after']) > 0
        ),
    );
    expect(unexpected.map((answer) => [answer.status, answer.body.error])).toEqual([]);
    return {
      staged: answers.filter((answer) => answer.status === 201).length,
      busy: answers.filter((answer) => answer.status === 503).map((answer) => String(answer.body.error)),
    };
  }

  /** Versions 1..n with no gap, each served to the open transfer once, and nothing else stored. */
  async function expectWholeVersions(transferId: string, staged: number): Promise<void> {
    const versions = await database.query<{ version: number }>(
      'SELECT version FROM dossier_versions ORDER BY version',
    );
    expect(versions.rows.map((row) => row.version)).toEqual(
      Array.from({ length: staged }, (_, index) => index + 1),
    );
    const history = await database.query<{ event: string; count: string }>(
      `SELECT event, count(*) FROM transfer_history WHERE transfer_id = $1 GROUP BY event ORDER BY event`,
      [transferId],
    );
    expect(history.rows.map((row) => [row.event, Number(row.count)])).toEqual(
      [
        ['await_evidence', staged],
        ['request', 1],
        ['stage_version', staged],
      ].filter(([, count]) => count !== 0),
    );
    const transfer = await database.query<{ version: number }>(
      `SELECT v.version FROM transfers t JOIN dossier_versions v ON v.id = t.current_version_id WHERE t.id = $1`,
      [transferId],
    );
    expect(transfer.rows).toEqual(staged === 0 ? [] : [{ version: staged }]);
  }

  let transferId: string;
  let stagedSoFar = 0;

  it('keeps one connection waiting for a held line, not the pool: other pupils are served meanwhile', async () => {
    const request = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil: PUPIL,
    });
    expect(request.status).toBe(201);
    transferId = request.body.id as string;
    const { rows } = await database.query<{ source_school_id: string; pupil_key_hash: string }>(
      'SELECT source_school_id, pupil_key_hash FROM transfers WHERE id = $1',
      [transferId],
    );
    // Another session holds the pupil's line, as a slow upload in another broker process would.
    const holder = new Client({ connectionString: databaseUrl });
    const lineKey = `transfer-line:${rows[0].source_school_id}:${rows[0].pupil_key_hash}`;
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lineKey]);
      const uploads = Array.from({ length: 32 }, () =>
        po.put(`/v1/transfers/${transferId}/dossier`, POVO_EXAMPLE),
      );
      const waiting = async () =>
        Number(
          (
            await database.query<{ count: string }>(
              `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            )
          ).rows[0].count,
        );
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      for (let waited = 0; (await waiting()) < 1 && waited < 20_000; waited += 100) await sleep(100);
      // The others queue in the broker without a connection: the pool (10) serves other pupils meanwhile.
      const otherPupil = await vo.post('/v1/transfers', {
        targetSchool: '01XZ00',
        sourceSchool: '00YY00',
        pupil: { bsn: '111222333', geboortedatum: '2014-01-01' },
      });
      expect(otherPupil.status).toBe(201);
      expect(await waiting()).toBe(1);
      await sleep(3500);
      await holder.query('COMMIT');
      const answers = await Promise.all(uploads);
      const { staged, busy } = expectStagedOrBusy(answers);
      expect(busy).toContain('TRANSFER_LINE_BUSY'); // the waits ended, for the line and in the queue
      stagedSoFar = staged;
      await expectWholeVersions(transferId, stagedSoFar);
      // The line moves on once it is free.
      const after = await po.put(`/v1/transfers/${transferId}/dossier`, POVO_EXAMPLE);
      expect(after.status).toBe(201);
      stagedSoFar += 1;
      await expectWholeVersions(transferId, stagedSoFar);
    } finally {
      await holder.end();
    }
  });

  it('answers 64 simultaneous uploads with gapless, intact versions or 503 + Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 64 }, () => po.put(`/v1/transfers/${transferId}/dossier`, POVO_EXAMPLE)),
    );
    const { staged } = expectStagedOrBusy(answers);
    expect(staged).toBeGreaterThan(0);
    stagedSoFar += staged;
    await expectWholeVersions(transferId, stagedSoFar);
    const versions = answers
      .filter((answer) => answer.status === 201)
      .map((answer) => (answer.body.version as { version: number }).version)
      .sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(staged);
    // Intact: every version holds the whole dossier (AES-GCM keeps the length) and its hash.
    const stored = await database.query<{ length: number; sha: string; bytes: number }>(
      `SELECT octet_length(ciphertext) AS length, content_sha256 AS sha, byte_length AS bytes FROM dossier_versions`,
    );
    const sha = createHash('sha256').update(POVO_EXAMPLE).digest('hex');
    expect(new Set(stored.rows.map((row) => `${row.length}/${row.bytes}/${row.sha}`))).toEqual(
      new Set([`${POVO_EXAMPLE.length}/${POVO_EXAMPLE.length}/${sha}`]),
    );
  });
});
