import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Checkpoint, generateLogSigningKey, openCheckpoint, verifierKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { ExchangeEventInput } from '../entry/exchange-log-entry';
import { leafHash } from '../merkle';
import { LogSequencer } from '../sequencer/log-sequencer';
import { latestCheckpoint } from '../sequencer/log-reads';
import { appendExchangeEvent, entryFromRow } from '../storage/append-exchange-event';
import { lookAfterTamper, openLogTestDatabase } from '../testing/log-test-database';
import { WHOLE_LOG } from './audit-scope';
import { findAuditEntries } from './audit-entry-queries';
import { AuditEntryView } from './audit-views';
import { entryViews } from './entry-views';
import { checkLogIntegrity } from './log-integrity';

/**
 * What auditors are told after a superuser switched off the append-only triggers and rewrote the log
 * (changed, deleted, swapped, inserted rows, or a row and its stored leaf hash together): the whole-log
 * check names the first bad leaf and entry, and each entry's own flag names the rows that no longer reach
 * the signed root. Every tamper happens in a transaction that is rolled back.
 */
const key = generateLogSigningKey('test.example/exchange-log');
const VERIFIER = verifierKey(key);
const ENTRIES = 10;

function stateChange(n: number): ExchangeEventInput {
  return {
    type: 'state_changed',
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, n)),
    actor: { kind: 'broker', id: 'release-worker' },
    schools: { source: '12AB00', target: '34CD00' },
    transferId: `0b7e4c1a-52d1-4f0e-9a51-${n.toString(16).padStart(12, '0')}`,
    details: { from: 'release_queued', to: 'released', event: 'release' },
  };
}

describe('integrity as auditors see it, after a superuser rewrote the log', () => {
  let dataSource: DataSource;
  let entryAtLeaf: string[];
  let checkpoint: Checkpoint;

  async function afterTamper<T>(
    tamper: (runner: QueryRunner) => Promise<unknown>,
    look: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return lookAfterTamper(dataSource, tamper, look);
  }

  const views = async (manager: EntityManager): Promise<AuditEntryView[]> =>
    entryViews(manager, await findAuditEntries(manager, WHOLE_LOG, {}, { limit: 100 }), checkpoint, false);
  const flagged = (all: AuditEntryView[]) =>
    all.filter((view) => view.integrity === 'does_not_match_log').map((view) => view.id);

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('audit_integrity', 4);
    for (let n = 0; n < ENTRIES; n += 1) await appendExchangeEvent(dataSource.manager, stateChange(n));
    await new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 }).integratePending();
    const rows: Array<{ entry_id: string }> = await dataSource.query(
      'SELECT entry_id FROM exchange_log_leaves ORDER BY leaf_index',
    );
    entryAtLeaf = rows.map((row) => String(row.entry_id));
    checkpoint = openCheckpoint((await latestCheckpoint(dataSource.manager))!.signedNote, [
      VERIFIER,
    ]).checkpoint;
  });
  afterAll(() => dataSource?.destroy());

  it('finds the untouched log intact, every entry verified', async () => {
    expect(await checkLogIntegrity(dataSource.manager, VERIFIER)).toEqual({
      treeSize: ENTRIES,
      checkpoint: (await latestCheckpoint(dataSource.manager))!.signedNote,
      ok: true,
    });
    const all = await views(dataSource.manager);
    expect(all.map((view) => view.integrity)).toEqual(Array(ENTRIES).fill('verified'));
  });

  it('names a changed row', async () => {
    const [integrity, all] = await afterTamper(
      (runner) =>
        runner.query(`UPDATE exchange_log_entries SET actor_id = 'someone-else' WHERE id = $1`, [
          entryAtLeaf[3],
        ]),
      async (manager) => [await checkLogIntegrity(manager, VERIFIER), await views(manager)] as const,
    );
    expect(integrity).toMatchObject({ ok: false, firstProblem: { leafIndex: 3, entryId: entryAtLeaf[3] } });
    expect(flagged(all)).toEqual([entryAtLeaf[3]]);
  });

  it('names the leaf of a deleted row', async () => {
    const integrity = await afterTamper(
      async (runner) => {
        await runner.query('DELETE FROM exchange_log_leaves WHERE leaf_index = 5');
        await runner.query('DELETE FROM exchange_log_entries WHERE id = $1', [entryAtLeaf[5]]);
      },
      (manager) => checkLogIntegrity(manager, VERIFIER),
    );
    expect(integrity).toMatchObject({
      ok: false,
      firstProblem: { leafIndex: 5, problem: expect.stringContaining('leaf 5 is missing') },
    });
  });

  it('names both rows of a swap, and an inserted row', async () => {
    const [swapped, swappedViews] = await afterTamper(
      (runner) =>
        runner.query(
          `UPDATE exchange_log_entries e SET transfer_id = o.transfer_id, at = o.at
             FROM exchange_log_entries o WHERE (e.id, o.id) IN (($1::bigint, $2::bigint), ($2, $1))`,
          [entryAtLeaf[2], entryAtLeaf[7]],
        ),
      async (manager) => [await checkLogIntegrity(manager, VERIFIER), await views(manager)] as const,
    );
    expect(swapped).toMatchObject({ ok: false, firstProblem: { leafIndex: 2, entryId: entryAtLeaf[2] } });
    expect(flagged(swappedViews).sort()).toEqual([entryAtLeaf[2], entryAtLeaf[7]].sort());

    let inserted = '';
    const [integrity, all] = await afterTamper(
      async (runner) => {
        ({ entryId: inserted } = await appendExchangeEvent(runner.manager, stateChange(99)));
        await runner.query('UPDATE exchange_log_leaves SET entry_id = $1 WHERE leaf_index = 8', [inserted]);
      },
      async (manager) => [await checkLogIntegrity(manager, VERIFIER), await views(manager)] as const,
    );
    expect(integrity).toMatchObject({ ok: false, firstProblem: { leafIndex: 8, entryId: inserted } });
    expect(flagged(all)).toEqual([inserted]);
  });

  it('still flags the row when its stored leaf hash was rewritten with it; the whole-log check fails on the root', async () => {
    const [integrity, all] = await afterTamper(
      async (runner) => {
        await runner.query(`UPDATE exchange_log_entries SET actor_id = 'someone-else' WHERE id = $1`, [
          entryAtLeaf[4],
        ]);
        const [row] = await runner.query('SELECT * FROM exchange_log_entries WHERE id = $1', [
          entryAtLeaf[4],
        ]);
        await runner.query(
          'UPDATE exchange_log_tree_nodes SET hash = $1 WHERE level = 0 AND node_index = 4',
          [leafHash(canonicalEntryBytes(entryFromRow(row)))],
        );
      },
      async (manager) => [await checkLogIntegrity(manager, VERIFIER), await views(manager)] as const,
    );
    expect(integrity).toMatchObject({
      ok: false,
      firstProblem: { leafIndex: -1, entryId: null, problem: expect.stringContaining('root') },
    });
    // Leaf 5's proof passes through the rewritten leaf 4: without the original, either could be the
    // changed one, and both are flagged as such; every other entry still verifies.
    expect(flagged(all).sort()).toEqual([entryAtLeaf[4], entryAtLeaf[5]].sort());
    for (const view of all.filter((each) => each.integrity === 'does_not_match_log')) {
      expect(view.integrityProblem).toContain('stored hashes were rewritten');
    }
  });
});
