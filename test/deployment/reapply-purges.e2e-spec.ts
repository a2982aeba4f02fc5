import { BROKER_SCHEMA } from '@app/broker-schema';
import {
  BROKER_RUNTIME_ROLE,
  type LogExportHeader,
  consistencyProofBetween,
  latestCheckpoint,
  openCheckpoint,
  verifyConsistency,
} from '@app/exchange-log';
import { writeLogExport } from '@app/exchange-log/export/write-log-export';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { RestoredDatabaseError, purgeOverduePayloads, readRetentionSettings } from '@app/transfers';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { startBroker } from '../support/broker-fixture';
import { type Exchange, startExchange } from '../support/exchange-fixture';
import { untilCheckpointed } from '../support/log-checkpoints';
import {
  type StagedVersion,
  recordInzageByLetter,
  releaseFromOutbox,
  stagePoDossier,
} from '../support/release-steps';
import { VendorClient } from '../support/vendor-client';
import { runCommand } from '../support/run-command';

/**
 * Backups and restore (#14, item 5): a restore from a backup older than a purge brings the purged payload
 * back; broker-api refuses to serve the restored database until `oso db reapply-purges` (the built CLI, a
 * real process) has destroyed it again from a newer export of the exchange log. Real PostgreSQL (pg_dump
 * and pg_restore of the suite's database), real Redis, the real broker API.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const DAY_MS = 24 * 60 * 60 * 1000;

describe('restoring a backup older than a purge (oso db reapply-purges)', () => {
  let exchange: Exchange;
  let staged: StagedVersion;
  let dir: string;
  let runtime: DataSource;
  const cliEnv = () => ({ ...process.env, DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
  const reapply = (exportFile: string) =>
    runCommand(
      process.execPath,
      [
        CLI,
        'db',
        'reapply-purges',
        '--log-export',
        exportFile,
        '--log-key',
        join(exchange.pki.dir, 'log-key.pub'),
      ],
      cliEnv(),
    );

  const payloadOf = async () =>
    (
      await exchange.database.query<{ has_payload: boolean; purged: boolean }>(
        `SELECT ciphertext IS NOT NULL AND wrapped_key IS NOT NULL AS has_payload, purged_at IS NOT NULL AS purged
           FROM dossier_versions WHERE canonical_sha256 = $1`,
        [staged.versionHash],
      )
    ).rows;
  /** Every log entry as stored (id, type and a digest of the whole row). */
  const logRows = async () =>
    (
      await exchange.database.query<{ id: string; event_type: string; digest: string }>(
        `SELECT id::text, event_type, md5(e::text) AS digest FROM exchange_log_entries e ORDER BY e.id`,
      )
    ).rows;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oso-restore-'));
    exchange = await startExchange({ suite: 'reapply_purges' });
    staged = await stagePoDossier(exchange, 1401);
    await recordInzageByLetter(exchange, staged);
    expect(await releaseFromOutbox(exchange, staged.id)).toEqual(['released']);
    const fetched = await exchange.clients.vo.get(`/v1/transfers/${staged.id}/dossier`);
    expect(fetched.status).toBe(200);
    const receipt = await exchange.clients.vo.post(`/v1/transfers/${staged.id}/receipt`);
    expect(receipt.status).toBe(200);
    runtime = await connectWithRetry(
      new DataSource(dataSourceOptions(exchange.databaseUrl, BROKER_SCHEMA, { runAs: BROKER_RUNTIME_ROLE })),
      { url: exchange.databaseUrl, startupTimeoutSeconds: 5 },
    );
  });

  afterAll(async () => {
    if (runtime?.isInitialized) await runtime.destroy();
    await exchange?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('destroys the payload again before the broker serves; the log gets its tail back and does not fork', async () => {
    // The backup, taken while the received dossier's payload still exists; a client holds the checkpoint
    // the log had then.
    await untilCheckpointed(exchange.database);
    const held = (await latestCheckpoint(runtime.manager))!;
    const backup = join(dir, 'before-purge.dump');
    const dumped = await runCommand('pg_dump', [
      '--format=custom',
      '--file',
      backup,
      '--dbname',
      exchange.databaseUrl,
    ]);
    expect(dumped).toMatchObject({ status: 0, stderr: '' });

    // Retention, past the receipt's grace term: the payload is destroyed and the purge is logged.
    const past = new Date(Date.now() + (readRetentionSettings().payloadTerms.received + 1) * DAY_MS);
    const purged = await purgeOverduePayloads(
      runtime,
      TRANSFER_LOG_RECORDER,
      readRetentionSettings().payloadTerms,
      past,
    );
    expect(purged).toEqual({ payloads: 1, transfers: 1 });
    expect(await payloadOf()).toEqual([{ has_payload: false, purged: true }]);
    expect((await logRows()).filter((row) => row.event_type === 'payload_purged')).toHaveLength(1);

    // A second instance starting on the database raises the log's high-water mark to its end; the
    // sequencer signs a checkpoint over the purge; the operator's export is the newer copy of the log.
    const second = await startBroker({ DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
    await second.close();
    const entries = (await logRows()).length;
    expect(await untilCheckpointed(exchange.database)).toBeGreaterThanOrEqual(entries);
    const chunks: Buffer[] = [];
    await writeLogExport(
      runtime.manager,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
    const exportFile = join(dir, 'log.jsonl');
    writeFileSync(exportFile, Buffer.concat(chunks));

    // The failure: the broker stops, the database is restored from the backup.
    await exchange.broker.close();
    exchange.broker.close = async () => undefined;
    await runtime.destroy();
    const restored = await runCommand('pg_restore', [
      '--clean',
      '--if-exists',
      '--dbname',
      exchange.databaseUrl,
      backup,
    ]);
    expect(restored).toMatchObject({ status: 0, stderr: '' });
    expect(await payloadOf()).toEqual([{ has_payload: true, purged: false }]);
    const restoredLog = await logRows();
    expect(restoredLog.filter((row) => row.event_type === 'payload_purged')).toEqual([]);

    // broker-api refuses the restored database, naming the fix.
    const refused = startBroker({ DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
    await expect(refused).rejects.toBeInstanceOf(RestoredDatabaseError);
    await expect(refused).rejects.toThrow(/oso db reapply-purges/);

    const applied = await reapply(exportFile);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/recorded purges: 1 payload\(s\) destroyed again/);
    expect(await payloadOf()).toEqual([{ has_payload: false, purged: true }]);

    // The log: every entry of the restored log still there, unchanged; then the entries written after
    // the backup, put back from the export with their own ids; the re-application added no purge of its
    // own (it is recorded in the export); the restored transfer was brought to the state the log records
    // (purged), by the broker's own entry, so today's retention finds nothing left to end.
    expect(applied.stdout).toMatch(/exchange log: \d+ entries after the backup put back/);
    expect(applied.stdout).toContain(`restored transfers brought forward to purged: 1 — ${staged.id}`);
    expect(applied.stdout).toMatch(/retention today: 0 payload\(s\) destroyed, 0 transfer\(s\) purged/);
    expect(
      (
        await exchange.database.query<{ state: string }>('SELECT state FROM transfers WHERE id = $1', [
          staged.id,
        ])
      ).rows,
    ).toEqual([{ state: 'purged' }]);
    const after = await logRows();
    expect(after.slice(0, restoredLog.length)).toEqual(restoredLog);
    const exportedLines = readFileSync(exportFile, 'utf8')
      .split('\n')
      .filter((text) => text.length > 0);
    const header = JSON.parse(exportedLines[0]) as LogExportHeader;
    const exportedEntries = exportedLines
      .slice(1)
      .map((text) => (JSON.parse(text) as { entry: { id: string; type: string } }).entry);
    const tail = exportedEntries.filter((entry) => BigInt(entry.id) > BigInt(restoredLog.at(-1)!.id));
    expect(tail.map((entry) => entry.type)).toContain('payload_purged');
    const added = after.slice(restoredLog.length);
    expect(added.map((row) => [row.id, row.event_type])).toEqual([
      ...tail.map((entry) => [entry.id, entry.type]),
      [expect.any(String), 'state_reconciled'],
    ]);
    expect(BigInt(added.at(-1)!.id)).toBeGreaterThan(BigInt(tail.at(-1)!.id));

    // The tree is the export's: its signed checkpoint is the log's latest, and the checkpoint the client
    // held before the failure is consistent with it (a consistency proof the library's verifier accepts).
    const exportCheckpoint = openCheckpoint(header.checkpoint, [
      readFileSync(join(exchange.pki.dir, 'log-key.pub'), 'utf8').trim(),
    ]).checkpoint;
    const owner = await connectWithRetry(
      new DataSource(dataSourceOptions(exchange.databaseUrl, BROKER_SCHEMA)),
      { url: exchange.databaseUrl, startupTimeoutSeconds: 5 },
    );
    try {
      const restoredCheckpoint = (await latestCheckpoint(owner.manager))!;
      expect(restoredCheckpoint.signedNote).toBe(header.checkpoint);
      expect(restoredCheckpoint.treeSize).toBe(exportCheckpoint.size);
      expect(restoredCheckpoint.rootHash.equals(exportCheckpoint.rootHash)).toBe(true);
      expect(held.treeSize).toBeLessThan(exportCheckpoint.size);
      const fromHeld = await consistencyProofBetween(owner.manager, held.treeSize, exportCheckpoint.size);
      expect(
        verifyConsistency(
          held.treeSize,
          exportCheckpoint.size,
          held.rootHash,
          exportCheckpoint.rootHash,
          fromHeld,
        ),
      ).toBe(true);
    } finally {
      await owner.destroy();
    }

    // Now the broker serves, and the dossier is purged for it. Its sequencer integrates the entry written
    // after the restore, and the next checkpoint extends the export's.
    const broker = await startBroker({ DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
    const vo = new VendorClient(broker.port, exchange.credentials.vo, exchange.pki.caCertificate);
    try {
      const fetched = await vo.get(`/v1/transfers/${staged.id}/dossier`);
      expect(fetched.status).toBe(409);
      expect(fetched.body.error).toBe('DOSSIER_PURGED');
      expect(await untilCheckpointed(exchange.database)).toBe(after.length);
    } finally {
      await vo.close();
      await broker.close();
    }
    const reader = await connectWithRetry(
      new DataSource(dataSourceOptions(exchange.databaseUrl, BROKER_SCHEMA)),
      { url: exchange.databaseUrl, startupTimeoutSeconds: 5 },
    );
    try {
      const next = (await latestCheckpoint(reader.manager))!;
      expect(next.treeSize).toBe(after.length);
      const onward = await consistencyProofBetween(reader.manager, exportCheckpoint.size, next.treeSize);
      expect(
        verifyConsistency(
          exportCheckpoint.size,
          next.treeSize,
          exportCheckpoint.rootHash,
          next.rootHash,
          onward,
        ),
      ).toBe(true);
    } finally {
      await reader.destroy();
    }

    // Running it again changes nothing.
    const again = await reapply(exportFile);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/recorded purges: 0 payload\(s\) destroyed again, 1 already gone/);
    expect(again.stdout).toMatch(/exchange log: the restored log already holds the export's/);
    const settled = await logRows();
    expect(settled).toEqual(after);

    // An export that does not verify is refused, and nothing is done.
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    lines[1] = lines[1].replace('"v":1', '"v":1,"extra":true');
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    const refusedExport = await reapply(tampered);
    expect(refusedExport.status).toBe(1);
    expect(refusedExport.stderr).toMatch(/the export does not verify/);
  });
});
