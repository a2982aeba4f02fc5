import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { generateLogSigningKey, openCheckpoint, signCheckpoint, verifierKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { ExchangeEventInput } from '../entry/exchange-log-entry';
import { LogExportHeader, LogExportLine } from '../export/export-format';
import { writeLogExport } from '../export/write-log-export';
import { MerkleFrontier, leafHash, verifyConsistency } from '../merkle';
import { consistencyProofBetween, latestCheckpoint } from '../sequencer/log-reads';
import { LogSequencer } from '../sequencer/log-sequencer';
import { openLogTestDatabase } from '../testing/log-test-database';
import {
  ENTRY_COLUMNS,
  ExchangeLogEntryRow,
  appendExchangeEvent,
  entryFromRow,
} from './append-exchange-event';
import { EXCHANGE_LOG_TABLES } from './exchange-log-tables';
import { LogTailMismatchError, restoreLogTail } from './restore-log-tail';

const { entries, leaves, treeNodes, checkpoints } = EXCHANGE_LOG_TABLES;
const key = generateLogSigningKey('test.example/exchange-log');
const VERIFIER = verifierKey(key);

function stateChange(transferNumber: number): ExchangeEventInput {
  return {
    type: 'state_changed',
    at: new Date(),
    actor: { kind: 'broker', id: 'release-worker' },
    schools: { source: '12AB00', target: '34CD00' },
    transferId: `0b7e4c1a-52d1-4f0e-9a51-${transferNumber.toString(16).padStart(12, '0')}`,
    details: { from: 'release_queued', to: 'released', event: 'release' },
  };
}

async function exportOf(dataSource: DataSource): Promise<{ note: string; lines: LogExportLine[] }> {
  const chunks: Buffer[] = [];
  await writeLogExport(
    dataSource.manager,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  const [header, ...rest] = Buffer.concat(chunks).toString('utf8').split('\n');
  return {
    note: (JSON.parse(header) as LogExportHeader).checkpoint,
    lines: rest.filter((text) => text.length > 0).map((text) => JSON.parse(text) as LogExportLine),
  };
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function tailOf(note: string) {
  return { signedNote: note, parsed: openCheckpoint(note, [VERIFIER], key.name).checkpoint };
}

async function appendAndIntegrate(dataSource: DataSource, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n += 1) await appendExchangeEvent(dataSource.manager, stateChange(n));
  await new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 }).integratePending();
}

const rowsOf = async (dataSource: DataSource) =>
  (await dataSource.query(`SELECT id::text, md5(e::text) AS digest FROM ${entries} e ORDER BY id`)) as Array<{
    id: string;
    digest: string;
  }>;

describe('putting the exchange log tail back after a restore (restoreLogTail)', () => {
  let original: DataSource;
  let restored: DataSource;

  beforeAll(async () => {
    original = await openLogTestDatabase('log_tail_original', 4);
    restored = await openLogTestDatabase('log_tail_restored', 4);
  });
  afterAll(async () => {
    await original?.destroy();
    await restored?.destroy();
  });

  it('restores entries, leaves and the signed checkpoint so earlier checkpoints stay consistent', async () => {
    // The original log: 3 entries when the backup was taken (a client holds that checkpoint), 5 after.
    await appendAndIntegrate(original, 1, 3);
    const atBackup = await exportOf(original);
    await appendAndIntegrate(original, 4, 5);
    const newer = await exportOf(original);
    expect(newer.lines).toHaveLength(8);

    // The restored database holds the first 3 (built from the backup-time export), then gets the tail.
    expect(await restoreLogTail(restored, each(atBackup.lines), tailOf(atBackup.note))).toEqual({
      restoredSize: 0,
      treeSize: 3,
      insertedEntries: 3,
    });
    const outcome = await restoreLogTail(restored, each(newer.lines), tailOf(newer.note));
    expect(outcome).toEqual({ restoredSize: 3, treeSize: 8, insertedEntries: 5 });

    // Same rows (ids and every column but written_by_tx), same leaves, the export's own checkpoint.
    const stripped = (dataSource: DataSource) =>
      dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM ${entries} ORDER BY id`) as Promise<
        ExchangeLogEntryRow[]
      >;
    expect((await stripped(restored)).map(entryFromRow)).toEqual(
      (await stripped(original)).map(entryFromRow),
    );
    const latest = await latestCheckpoint(restored.manager);
    expect(latest?.signedNote).toBe(newer.note);
    const held = tailOf(atBackup.note).parsed;
    const proof = await consistencyProofBetween(restored.manager, held.size, latest!.treeSize);
    expect(verifyConsistency(held.size, latest!.treeSize, held.rootHash, latest!.rootHash, proof)).toBe(true);

    // Idempotent: a second run writes nothing.
    const before = await rowsOf(restored);
    expect(await restoreLogTail(restored, each(newer.lines), tailOf(newer.note))).toEqual({
      restoredSize: 8,
      treeSize: 8,
      insertedEntries: 0,
    });
    expect(await rowsOf(restored)).toEqual(before);

    // New entries get ids after the restored ones, integrate, and the next checkpoint extends the export's.
    const { entryId } = await appendExchangeEvent(restored.manager, stateChange(99));
    expect(BigInt(entryId)).toBeGreaterThan(BigInt(before[before.length - 1].id));
    const next = await new LogSequencer(restored, {
      signingKey: key,
      checkpointIntervalMs: 0,
    }).integratePending();
    expect(next.treeSize).toBe(9);
    const after = await latestCheckpoint(restored.manager);
    const onward = await consistencyProofBetween(restored.manager, 8, 9);
    expect(verifyConsistency(8, 9, latest!.rootHash, after!.rootHash, onward)).toBe(true);
  });

  it('refuses, writing nothing, an export of another log', async () => {
    const other = await openLogTestDatabase('log_tail_other', 2);
    try {
      await appendAndIntegrate(other, 500, 2);
      const foreign = await exportOf(other);
      const before = await rowsOf(restored);
      const refused = restoreLogTail(restored, each(foreign.lines), tailOf(foreign.note));
      await expect(refused).rejects.toBeInstanceOf(LogTailMismatchError);
      await expect(refused).rejects.toThrow(/differ at leaf 0/);
      expect(await rowsOf(restored)).toEqual(before);
    } finally {
      await other.destroy();
    }
  });
});

describe('a log restored from a cluster whose transaction ids ran further (the sequencer horizon)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('log_tail_xid_horizon', 4);
  });
  afterAll(() => dataSource?.destroy());

  it('integrates entries written after the restore although their xids are below the stored horizon', async () => {
    // What pg_restore from a busier cluster leaves: two integrated entries under a checkpoint whose
    // horizon is far above any transaction id this cluster has handed out.
    for (const n of [1, 2]) await appendExchangeEvent(dataSource.manager, stateChange(n));
    const rows: ExchangeLogEntryRow[] = await dataSource.query(
      `SELECT ${ENTRY_COLUMNS} FROM ${entries} ORDER BY id`,
    );
    const frontier = MerkleFrontier.empty();
    const nodes = rows.flatMap((row) => frontier.append(leafHash(canonicalEntryBytes(entryFromRow(row)))));
    await dataSource.query(`INSERT INTO ${leaves} (leaf_index, entry_id) VALUES (0, $1), (1, $2)`, [
      rows[0].id,
      rows[1].id,
    ]);
    for (const node of nodes) {
      await dataSource.query(`INSERT INTO ${treeNodes} (level, node_index, hash) VALUES ($1, $2, $3)`, [
        node.level,
        node.index,
        node.hash,
      ]);
    }
    const restoredRoot = frontier.root();
    await dataSource.query(
      `INSERT INTO ${checkpoints} (tree_size, root_hash, signed_note, integrated_below_tx)
       VALUES (2, $1, $2, ((pg_current_xact_id()::text::numeric + 1000000000)::text)::xid8)`,
      [restoredRoot, signCheckpoint({ origin: key.name, size: 2, rootHash: restoredRoot }, key)],
    );
    const { entryId } = await appendExchangeEvent(dataSource.manager, stateChange(3));
    const [{ below }] = await dataSource.query(
      `SELECT e.written_by_tx < c.integrated_below_tx AS below
         FROM ${entries} e, ${checkpoints} c WHERE e.id = $1 AND c.tree_size = 2`,
      [entryId],
    );
    expect(below).toBe(true);

    const outcome = await new LogSequencer(dataSource, {
      signingKey: key,
      checkpointIntervalMs: 0,
    }).integratePending();
    expect(outcome).toMatchObject({ leader: true, treeSize: 3 });
    const latest = await latestCheckpoint(dataSource.manager);
    expect(latest?.treeSize).toBe(3);
    const proof = await consistencyProofBetween(dataSource.manager, 2, 3);
    expect(verifyConsistency(2, 3, restoredRoot, latest!.rootHash, proof)).toBe(true);
    // The new checkpoint's horizon is this cluster's again: later entries integrate as usual.
    const [{ sane }] = await dataSource.query(
      `SELECT integrated_below_tx <= pg_current_xact_id() AS sane FROM ${checkpoints} WHERE tree_size = 3`,
    );
    expect(sane).toBe(true);
  });
});
