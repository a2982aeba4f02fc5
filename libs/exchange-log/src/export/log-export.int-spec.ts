import { Writable } from 'node:stream';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { generateLogSigningKey, parseCheckpoint, signCheckpoint, verifierKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { ExchangeEventInput } from '../entry/exchange-log-entry';
import { leafHash } from '../merkle';
import { appendExchangeEvent, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { LogSequencer } from '../sequencer/log-sequencer';
import { lookAfterTamper, openLogTestDatabase } from '../testing/log-test-database';
import { LogExportVerdict, verifyLogExport } from './verify-log-export';
import { writeLogExport } from './write-log-export';

const key = generateLogSigningKey('test.example/exchange-log');
const VERIFIER = verifierKey(key);
const ENTRIES = 12;
const FIRST_CHECKPOINT = 6;

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

async function exportText(manager: EntityManager): Promise<string> {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  await writeLogExport(manager, out, { pageSize: 5 });
  return chunks.join('');
}

function verify(text: string, previousCheckpoint?: string, verifier = VERIFIER): Promise<LogExportVerdict> {
  return verifyLogExport(text.split('\n'), { verifierKey: verifier, previousCheckpoint });
}

/** What a superuser attacker does: switch off the append-only triggers, then rewrite rows. */
type Tamper = (runner: QueryRunner) => Promise<unknown>;

describe('exporting the exchange log and verifying it offline', () => {
  let dataSource: DataSource;
  let entryAtLeaf: string[];
  let firstCheckpointNote: string;

  /** The export taken after `tamper`, in a transaction that is rolled back (the log stays intact). */
  async function exportAfter(tamper: Tamper): Promise<string> {
    return lookAfterTamper(dataSource, tamper, exportText);
  }

  /** Moves the leaves at and after `from` by `by` (two steps: the primary key is checked row by row). */
  async function shiftLeaves(runner: QueryRunner, from: number, by: number): Promise<void> {
    const { leaves } = EXCHANGE_LOG_TABLES;
    await runner.query(`UPDATE ${leaves} SET leaf_index = leaf_index + 1000000 WHERE leaf_index >= $1`, [
      from,
    ]);
    await runner.query(
      `UPDATE ${leaves} SET leaf_index = leaf_index - 1000000 + $1 WHERE leaf_index >= 1000000`,
      [by],
    );
  }

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('log_export', 4);
    const sequencer = new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 });
    for (let n = 0; n < ENTRIES; n += 1) {
      await appendExchangeEvent(dataSource.manager, stateChange(n));
      if (n + 1 === FIRST_CHECKPOINT) await sequencer.integratePending();
    }
    await sequencer.integratePending();
    const leaves: Array<{ entry_id: string }> = await dataSource.query(
      'SELECT entry_id FROM exchange_log_leaves ORDER BY leaf_index',
    );
    entryAtLeaf = leaves.map((row) => String(row.entry_id));
    const [first]: Array<{ signed_note: string }> = await dataSource.query(
      'SELECT signed_note FROM exchange_log_checkpoints WHERE tree_size = $1',
      [FIRST_CHECKPOINT],
    );
    firstCheckpointNote = first.signed_note;
  });
  afterAll(() => dataSource?.destroy());

  it('exports every leaf under the latest checkpoint, and the export verifies', async () => {
    const text = await exportText(dataSource.manager);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(ENTRIES + 1);
    expect(JSON.parse(lines[0])).toMatchObject({ origin: key.name, from: 0, to: ENTRIES });
    expect(lines.slice(1).map((line) => JSON.parse(line).leafIndex)).toEqual([...Array(ENTRIES).keys()]);
    const verdict = await verify(text);
    expect(verdict).toMatchObject({ ok: true, checkpoint: { origin: key.name, size: ENTRIES } });
  });

  it('names the entry a superuser changed', async () => {
    const text = await exportAfter((runner) =>
      runner.query(`UPDATE exchange_log_entries SET actor_id = 'someone-else' WHERE id = $1`, [
        entryAtLeaf[4],
      ]),
    );
    expect(await verify(text)).toMatchObject({
      ok: false,
      problem: { leafIndex: 4, entryId: entryAtLeaf[4], reason: expect.stringContaining('does not hash') },
    });
  });

  it('names the leaf whose entry a superuser deleted', async () => {
    const text = await exportAfter(async (runner) => {
      await runner.query('DELETE FROM exchange_log_leaves WHERE leaf_index = 5');
      await runner.query('DELETE FROM exchange_log_entries WHERE id = $1', [entryAtLeaf[5]]);
    });
    expect(await verify(text)).toMatchObject({
      ok: false,
      problem: { leafIndex: 5, reason: expect.stringContaining('leaf 5 is missing') },
    });
  });

  it('names the entry that moved into the place of a deleted one, when the gap was closed', async () => {
    const text = await exportAfter(async (runner) => {
      await runner.query('DELETE FROM exchange_log_leaves WHERE leaf_index = 5');
      await runner.query('DELETE FROM exchange_log_entries WHERE id = $1', [entryAtLeaf[5]]);
      await shiftLeaves(runner, 6, -1);
    });
    expect(await verify(text)).toMatchObject({
      ok: false,
      problem: { leafIndex: 5, entryId: entryAtLeaf[6] },
    });
  });

  it('names the first of two entries whose contents a superuser swapped', async () => {
    const text = await exportAfter((runner) =>
      runner.query(
        `UPDATE exchange_log_entries e SET transfer_id = o.transfer_id, at = o.at
           FROM exchange_log_entries o WHERE (e.id, o.id) IN (($1::bigint, $2::bigint), ($2, $1))`,
        [entryAtLeaf[2], entryAtLeaf[7]],
      ),
    );
    expect(await verify(text)).toMatchObject({
      ok: false,
      problem: { leafIndex: 2, entryId: entryAtLeaf[2] },
    });
  });

  it('names the entry a superuser inserted into the middle of the tree', async () => {
    let insertedId = '';
    const text = await exportAfter(async (runner) => {
      ({ entryId: insertedId } = await appendExchangeEvent(runner.manager, stateChange(99)));
      await shiftLeaves(runner, 3, 1);
      await runner.query('INSERT INTO exchange_log_leaves (leaf_index, entry_id) VALUES (3, $1)', [
        insertedId,
      ]);
    });
    expect(await verify(text)).toMatchObject({ ok: false, problem: { leafIndex: 3, entryId: insertedId } });
  });

  it('fails on the root, naming no entry, when the stored leaf hash was rewritten with the entry', async () => {
    const text = await exportAfter(async (runner) => {
      await runner.query(`UPDATE exchange_log_entries SET actor_id = 'someone-else' WHERE id = $1`, [
        entryAtLeaf[4],
      ]);
      const [row] = await runner.query('SELECT * FROM exchange_log_entries WHERE id = $1', [entryAtLeaf[4]]);
      await runner.query('UPDATE exchange_log_tree_nodes SET hash = $1 WHERE level = 0 AND node_index = 4', [
        leafHash(canonicalEntryBytes(entryFromRow(row))),
      ]);
    });
    const verdict = await verify(text);
    expect(verdict).toMatchObject({
      ok: false,
      problem: { line: 1, reason: expect.stringContaining('root') },
    });
    expect(verdict).not.toHaveProperty('problem.entryId');
  });

  it('fails at the entry whose exported line has any one byte changed', async () => {
    const lines = (await exportText(dataSource.manager)).trimEnd().split('\n');
    for (let leaf = 0; leaf < ENTRIES; leaf += 1) {
      const line = lines[leaf + 1];
      // A few positions spread over the line: leaf index, entry fields, leaf hash.
      for (const position of [
        2,
        14,
        Math.floor(line.length / 3),
        Math.floor(line.length / 2),
        line.length - 5,
      ]) {
        const original = line.charCodeAt(position);
        const changed =
          line.slice(0, position) +
          String.fromCharCode(original === 0x41 ? 0x42 : 0x41) +
          line.slice(position + 1);
        const tampered = [...lines];
        tampered[leaf + 1] = changed;
        const verdict = await verify(tampered.join('\n'));
        expect({ leaf, position, verdict }).toMatchObject({
          leaf,
          position,
          verdict: { ok: false, problem: { line: leaf + 2, leafIndex: leaf } },
        });
      }
    }
  });

  it('refuses an export that lacks its last leaves, or is no export at all', async () => {
    const lines = (await exportText(dataSource.manager)).trimEnd().split('\n');
    expect(await verify(lines.slice(0, -1).join('\n'))).toMatchObject({
      ok: false,
      problem: {
        leafIndex: ENTRIES - 1,
        reason: `the export ends after ${ENTRIES - 1} of the checkpoint's ${ENTRIES} leaves`,
      },
    });
    for (const notAnExport of ['', 'null', '{"format":"something-else"}', lines[1]]) {
      expect(await verify(notAnExport)).toMatchObject({ ok: false, problem: { line: 1 } });
    }
  });

  it('refuses a checkpoint signed by another key, even one with the log’s name', async () => {
    const text = await exportText(dataSource.manager);
    const other = generateLogSigningKey(key.name);
    expect(await verify(text, undefined, verifierKey(other))).toMatchObject({
      ok: false,
      problem: { line: 1, reason: expect.stringContaining('does not verify') },
    });
    const [headerLine, ...rest] = text.split('\n');
    const header = JSON.parse(headerLine);
    const body = header.checkpoint.slice(0, header.checkpoint.indexOf('\n\n') + 1);
    const forged = { ...header, checkpoint: signCheckpoint(parseCheckpoint(body), other) };
    expect(await verify([JSON.stringify(forged), ...rest].join('\n'))).toMatchObject({
      ok: false,
      problem: { line: 1, reason: expect.stringContaining('does not verify') },
    });
  });

  it('checks consistency with an earlier checkpoint, and refuses an inconsistent one', async () => {
    const text = await exportText(dataSource.manager);
    expect(await verify(text, firstCheckpointNote)).toMatchObject({
      ok: true,
      previous: { size: FIRST_CHECKPOINT },
      checkpoint: { size: ENTRIES },
    });
    // A fork: the log's own key signed a different history of the first leaves.
    const forked = signCheckpoint(
      { origin: key.name, size: FIRST_CHECKPOINT, rootHash: Buffer.alloc(32, 9) },
      key,
    );
    expect(await verify(text, forked)).toMatchObject({
      ok: false,
      problem: { reason: expect.stringContaining('not consistent with the earlier checkpoint') },
    });
    expect(await verify(text, forked)).not.toHaveProperty('problem.line');
    const later = signCheckpoint({ origin: key.name, size: ENTRIES + 1, rootHash: Buffer.alloc(32, 9) }, key);
    expect(await verify(text, later)).toMatchObject({
      ok: false,
      problem: { reason: expect.stringContaining('more than this export') },
    });
    const otherKey = signCheckpoint(
      { origin: key.name, size: 1, rootHash: Buffer.alloc(32, 9) },
      generateLogSigningKey(key.name),
    );
    expect(await verify(text, otherKey)).toMatchObject({
      ok: false,
      problem: { reason: expect.stringContaining('the earlier checkpoint does not verify') },
    });
  });
});
