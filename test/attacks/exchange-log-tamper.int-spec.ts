import { Client } from 'pg';
import { validBsns } from '../support/dossier-pupil';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { untilCheckpointed } from '../support/log-checkpoints';
import { asSuperuser, shiftLeaves, withSequencerPaused } from '../support/log-tamper';
import { VendorClient } from '../support/vendor-client';

/**
 * A superuser who switched the log's append-only triggers off deletes, renumbers, swaps or inserts rows
 * of a running broker's log: the signed auditor API names the leaf and the entry (`/v1/audit/integrity`)
 * and flags the rows it shows (`/v1/audit/entries`). A changed row is the auditor API's own test
 * (apps/broker-api/src/audit/audit-queries.int-spec.ts); the page's are in audit-page.int-spec.ts.
 */
const SOURCE = '01AA00';
const TARGET = '01BB00';
const REQUESTS = 6;

interface Integrity {
  ok: boolean;
  treeSize: number;
  firstProblem?: { leafIndex: number; entryId: string | null; problem: string };
}

interface Entry {
  id: string;
  leafIndex: number | null;
  integrity: string;
  integrityProblem?: string;
}

interface Leaf {
  leaf: number;
  id: string;
}

describe('attack: a superuser rewrites the exchange log behind its triggers', () => {
  let exchange: Exchange<'vendor' | 'inspectorate'>;
  let databaseUrl: string;
  let database: Client;
  let vendor: VendorClient;
  let inspectorate: VendorClient;
  /** The request_created entries of the suite's transfers, in leaf order. */
  let requests: Leaf[];

  async function integrity(): Promise<Integrity> {
    const answer = await inspectorate.get('/v1/audit/integrity');
    expect(answer.status).toBe(200);
    return answer.body as unknown as Integrity;
  }

  async function shown(): Promise<Entry[]> {
    const answer = await inspectorate.get('/v1/audit/entries?type=request_created&limit=200');
    expect(answer.status).toBe(200);
    return answer.body.entries as Entry[];
  }

  async function savedRow(id: string): Promise<Record<string, unknown>> {
    const { rows } = await database.query('SELECT * FROM exchange_log_entries WHERE id = $1', [id]);
    return rows[0] as Record<string, unknown>;
  }

  /** Puts a deleted row back exactly as it was: same id, same content, same writing transaction. */
  async function reinsert(db: Client, row: Record<string, unknown>, leaf: number): Promise<void> {
    const columns = Object.keys(row);
    await db.query(
      `INSERT INTO exchange_log_entries (${columns.join(', ')}) OVERRIDING SYSTEM VALUE
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((column) => (column === 'details' ? JSON.stringify(row[column]) : row[column])),
    );
    await db.query('INSERT INTO exchange_log_leaves (leaf_index, entry_id) VALUES ($1, $2)', [leaf, row.id]);
  }

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'attack_log_tamper',
      schools: [
        { code: SOURCE, name: 'Basisschool', sector: 'PO' },
        { code: TARGET, name: 'College', sector: 'VO' },
      ],
      vendors: { vendor: { id: 'vo-las', receives: [TARGET] } },
      auditors: { inspectorate: { name: 'inspectie', supervisory: true } },
      // Each tamper must be seen by the very next integrity call, not after the shared check's age.
      env: { AUDIT_INTEGRITY_MAX_AGE_SECONDS: '0' },
    });
    ({ databaseUrl, database } = exchange);
    ({ vendor, inspectorate } = exchange.clients);
    for (const bsn of validBsns(REQUESTS, 34_000_000)) {
      const requested = await vendor.post('/v1/transfers', {
        targetSchool: TARGET,
        sourceSchool: SOURCE,
        pupil: { bsn, geboortedatum: '2014-05-01' },
      });
      expect(requested.status).toBe(201);
    }
    await untilCheckpointed(database);
    const { rows } = await database.query(
      `SELECT l.leaf_index::int AS leaf, e.id::text AS id
         FROM exchange_log_leaves l JOIN exchange_log_entries e ON e.id = l.entry_id
        WHERE e.event_type = 'request_created' ORDER BY l.leaf_index`,
    );
    requests = rows as Leaf[];
    expect(requests).toHaveLength(REQUESTS);
  }, 120_000);

  afterAll(() => exchange?.close());

  afterEach(async () => {
    // Every test puts the log back: the tree matches its checkpoints again.
    await untilCheckpointed(database);
    expect(await integrity()).toMatchObject({ ok: true });
  });

  it('names the leaf of a deleted row, whose entry is gone from the list', async () => {
    const victim = requests[2];
    const row = await savedRow(victim.id);
    await asSuperuser(database, async (db) => {
      await db.query('DELETE FROM exchange_log_leaves WHERE leaf_index = $1', [victim.leaf]);
      await db.query('DELETE FROM exchange_log_entries WHERE id = $1', [victim.id]);
    });
    try {
      expect(await integrity()).toMatchObject({ ok: false, firstProblem: { leafIndex: victim.leaf } });
      expect((await shown()).map((entry) => entry.id)).not.toContain(victim.id);
    } finally {
      await asSuperuser(database, (db) => reinsert(db, row, victim.leaf));
    }
  });

  it('names the entry that took the place of a deleted one when the gap is closed', async () => {
    const [victim, successor] = [requests[2], requests[3]];
    const row = await savedRow(victim.id);
    await withSequencerPaused(databaseUrl, async () => {
      await asSuperuser(database, async (db) => {
        await db.query('DELETE FROM exchange_log_leaves WHERE leaf_index = $1', [victim.leaf]);
        await db.query('DELETE FROM exchange_log_entries WHERE id = $1', [victim.id]);
        await shiftLeaves(db, victim.leaf + 1, -1);
      });
      try {
        expect(await integrity()).toMatchObject({
          ok: false,
          firstProblem: { leafIndex: victim.leaf, entryId: successor.id },
        });
        const moved = (await shown()).find((entry) => entry.id === successor.id);
        expect(moved).toMatchObject({ leafIndex: victim.leaf, integrity: 'does_not_match_log' });
      } finally {
        await asSuperuser(database, async (db) => {
          await shiftLeaves(db, victim.leaf, 1);
          await reinsert(db, row, victim.leaf);
        });
      }
    });
  });

  it('names the first of two rows whose contents were swapped, and flags both', async () => {
    const [first, second] = [requests[1], requests[4]];
    const swap = (db: Client) =>
      db.query(
        `UPDATE exchange_log_entries e SET at = o.at, transfer_id = o.transfer_id
           FROM exchange_log_entries o WHERE (e.id, o.id) IN (($1::bigint, $2::bigint), ($2, $1))`,
        [first.id, second.id],
      );
    await asSuperuser(database, swap);
    try {
      expect(await integrity()).toMatchObject({
        ok: false,
        firstProblem: { leafIndex: first.leaf, entryId: first.id },
      });
      const flagged = (await shown()).filter((entry) => entry.integrity === 'does_not_match_log');
      expect(flagged.map((entry) => entry.id).sort()).toEqual([first.id, second.id].sort());
      for (const entry of flagged) expect(entry.integrityProblem).toContain(`entry ${entry.id}`);
    } finally {
      await asSuperuser(database, swap);
    }
  });

  it('names a row inserted into the middle of the tree, and flags it', async () => {
    const place = requests[3];
    let inserted = '';
    await withSequencerPaused(databaseUrl, async () => {
      await asSuperuser(database, async (db) => {
        // A forged withdrawal of an existing transfer, slipped in before a real entry.
        const { rows } = await db.query(
          `INSERT INTO exchange_log_entries (at, event_type, actor_kind, actor_id, source_school, target_school, transfer_id)
           SELECT at, 'withdrawn', actor_kind, actor_id, source_school, target_school, transfer_id
             FROM exchange_log_entries WHERE id = $1 RETURNING id::text AS id`,
          [requests[2].id],
        );
        inserted = rows[0].id as string;
        await shiftLeaves(db, place.leaf, 1);
        await db.query('INSERT INTO exchange_log_leaves (leaf_index, entry_id) VALUES ($1, $2)', [
          place.leaf,
          inserted,
        ]);
      });
      try {
        expect(await integrity()).toMatchObject({
          ok: false,
          firstProblem: { leafIndex: place.leaf, entryId: inserted },
        });
        const forged = await inspectorate.get('/v1/audit/entries?type=withdrawn');
        expect(forged.body.entries).toEqual([
          expect.objectContaining({ id: inserted, leafIndex: place.leaf, integrity: 'does_not_match_log' }),
        ]);
      } finally {
        await asSuperuser(database, async (db) => {
          await db.query('DELETE FROM exchange_log_leaves WHERE entry_id = $1', [inserted]);
          await db.query('DELETE FROM exchange_log_entries WHERE id = $1', [inserted]);
          await shiftLeaves(db, place.leaf + 1, -1);
        });
      }
    });
  });
});
