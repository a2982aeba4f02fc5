import { Writable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { generateLogSigningKey, signCheckpoint, verifierKey } from '../checkpoint';
import { ExchangeEventInput } from '../entry/exchange-log-entry';
import { LogSequencer } from '../sequencer/log-sequencer';
import { appendExchangeEvent } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { openLogTestDatabase } from '../testing/log-test-database';
import { LogExportVerdict, verifyLogExport } from './verify-log-export';
import { PartialExportSelection, writePartialLogExport } from './write-partial-log-export';

/**
 * Partial exports (v2) on real PostgreSQL: only the selected schools' entries, each with its inclusion
 * proof; the verifier fails at an entry a superuser changed, at any changed byte, and at a consistency
 * proof that does not lead from the earlier checkpoint.
 */
const key = generateLogSigningKey('test.example/exchange-log');
const VERIFIER = verifierKey(key);
const OURS = '12AB00';
const THEIRS = '34CD00';
const ENTRIES = 14;
const FIRST_CHECKPOINT = 7;

function stateChange(n: number): ExchangeEventInput {
  const ours = n % 2 === 0;
  return {
    type: 'state_changed',
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, n)),
    actor: { kind: 'broker', id: 'release-worker' },
    schools: { source: ours ? OURS : THEIRS, target: '56EF00' },
    transferId: `0b7e4c1a-52d1-4f0e-9a51-${n.toString(16).padStart(12, '0')}`,
    details: { from: 'release_queued', to: 'released', event: 'release' },
  };
}

async function exportText(manager: EntityManager, selection: PartialExportSelection): Promise<string> {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  await writePartialLogExport(manager, out, selection, { pageSize: 3 });
  return chunks.join('');
}

const verify = (text: string, previousCheckpoint?: string): Promise<LogExportVerdict> =>
  verifyLogExport(text.trimEnd().split('\n'), { verifierKey: VERIFIER, previousCheckpoint });

const OUR_SCOPE: PartialExportSelection = { scope: { kind: 'schools', schools: [OURS] } };

describe('partial exports of the exchange log (v2)', () => {
  let dataSource: DataSource;
  let firstCheckpointNote: string;

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('partial_export', 4);
    const sequencer = new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 });
    for (let n = 0; n < ENTRIES; n += 1) {
      await appendExchangeEvent(dataSource.manager, stateChange(n));
      if (n + 1 === FIRST_CHECKPOINT) await sequencer.integratePending();
    }
    await sequencer.integratePending();
    const [first]: Array<{ signed_note: string }> = await dataSource.query(
      'SELECT signed_note FROM exchange_log_checkpoints WHERE tree_size = $1',
      [FIRST_CHECKPOINT],
    );
    firstCheckpointNote = first.signed_note;
  });
  afterAll(() => dataSource?.destroy());

  it('holds the selected schools’ entries only, in leaf order, each proven included', async () => {
    const text = await exportText(dataSource.manager, OUR_SCOPE);
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      format: 'oso-exchange-log-export/v2',
      treeSize: ENTRIES,
      selection: { schools: [OURS] },
    });
    const entries = lines.slice(1).map((line) => JSON.parse(line));
    expect(entries.map((line) => line.leafIndex)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    for (const line of entries) expect(line.entry.schools.source).toBe(OURS);
    expect(await verify(text)).toMatchObject({
      ok: true,
      partial: { entries: 7 },
      checkpoint: { size: ENTRIES },
    });

    const window = await exportText(dataSource.manager, {
      ...OUR_SCOPE,
      from: new Date(Date.UTC(2026, 0, 1, 12, 0, 4)),
      to: new Date(Date.UTC(2026, 0, 1, 12, 0, 9)),
    });
    const windowLeaves = window
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line).leafIndex);
    expect(windowLeaves).toEqual([4, 6, 8]);
    expect(await verify(window)).toMatchObject({ ok: true, partial: { entries: 3 } });
  });

  it('reads a page’s inclusion proofs with one query, not one per entry', async () => {
    // The real database, its queries counted: the entries' page query plus one for all their proofs.
    let queries = 0;
    const counting = Object.create(dataSource.manager) as EntityManager;
    counting.query = (...args: Parameters<EntityManager['query']>) => {
      queries += 1;
      return dataSource.manager.query(...args);
    };
    const whole: PartialExportSelection = { scope: { kind: 'all' } };
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const { written } = await writePartialLogExport(counting, out, whole, { pageSize: ENTRIES });
    expect(written).toBe(ENTRIES);
    // The latest checkpoint; then one page of ENTRIES with one proof query; then the empty last page.
    expect(queries).toBe(4);
    expect(await verify(chunks.join(''))).toMatchObject({ ok: true, partial: { entries: ENTRIES } });
  });

  it('fails at the entry a superuser changed, and at any entry with one byte changed', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    let tampered: string;
    try {
      await runner.query(
        `ALTER TABLE ${EXCHANGE_LOG_TABLES.entries} DISABLE TRIGGER ${EXCHANGE_LOG_TABLES.entries}_append_only`,
      );
      const [row] = await runner.query('SELECT entry_id FROM exchange_log_leaves WHERE leaf_index = 4');
      await runner.query(`UPDATE exchange_log_entries SET actor_id = 'someone-else' WHERE id = $1`, [
        row.entry_id,
      ]);
      tampered = await exportText(runner.manager, OUR_SCOPE);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await verify(tampered)).toMatchObject({
      ok: false,
      problem: { line: 4, leafIndex: 4, reason: expect.stringContaining('does not hash') },
    });

    const lines = (await exportText(dataSource.manager, OUR_SCOPE)).trimEnd().split('\n');
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index];
      for (const position of [
        2,
        line.indexOf('"entry"') + 15,
        Math.floor(line.length / 2),
        line.length - 5,
      ]) {
        const changed = [...lines];
        changed[index] =
          line.slice(0, position) + (line[position] === 'A' ? 'B' : 'A') + line.slice(position + 1);
        expect({ index, position, verdict: await verify(changed.join('\n')) }).toMatchObject({
          index,
          position,
          verdict: { ok: false, problem: { line: index + 1 } },
        });
      }
    }
  });

  it('proves consistency with an earlier checkpoint when asked, and refuses it otherwise', async () => {
    const withProof = await exportText(dataSource.manager, { ...OUR_SCOPE, previousSize: FIRST_CHECKPOINT });
    expect(JSON.parse(withProof.split('\n')[0]).consistency).toMatchObject({ fromSize: FIRST_CHECKPOINT });
    expect(await verify(withProof, firstCheckpointNote)).toMatchObject({
      ok: true,
      previous: { size: FIRST_CHECKPOINT },
    });
    const forked = signCheckpoint(
      { origin: key.name, size: FIRST_CHECKPOINT, rootHash: Buffer.alloc(32, 9) },
      key,
    );
    expect(await verify(withProof, forked)).toMatchObject({
      ok: false,
      problem: { reason: expect.stringContaining('not consistent with the earlier checkpoint') },
    });
    const withoutProof = await exportText(dataSource.manager, OUR_SCOPE);
    expect(await verify(withoutProof, firstCheckpointNote)).toMatchObject({
      ok: false,
      problem: { line: 1, reason: expect.stringContaining('no consistency proof from tree size 7') },
    });
    await expect(exportText(dataSource.manager, { ...OUR_SCOPE, previousSize: ENTRIES + 1 })).rejects.toThrow(
      RangeError,
    );
  });
});
