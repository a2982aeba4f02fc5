import { BROKER_SCHEMA } from '@app/broker-schema';
import { BROKER_RUNTIME_ROLE } from '@app/exchange-log';
import { writeLogExport } from '@app/exchange-log/export/write-log-export';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { generateDossier } from '@app/oso-dataset';
import { RELEASE_QUEUE, bullConnectionOptions, readRedisConfig } from '@app/queues';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { type Exchange, startExchange } from '../support/exchange-fixture';
import { untilCheckpointed } from '../support/log-checkpoints';
import {
  DOSSIER_DAY,
  INZAGE_DAY,
  type StagedVersion,
  recordInzageByLetter,
  releaseFromOutbox,
  releasesOf,
  stagePoDossier,
  transferState,
} from '../support/release-steps';
import { startReleaseWorker } from '../support/release-worker-fixture';
import { startBroker } from '../support/broker-fixture';
import { VendorClient } from '../support/vendor-client';
import { runCommand } from '../support/run-command';

/**
 * After a restore (#14, item 5): the restored rows of transfers that moved on after the backup follow
 * their re-inserted log (`oso db reapply-purges`, the built CLI), so a release worker started afterwards
 * releases nothing a second time, and a withdrawal after the backup still holds although the backup had
 * the release queued. Real PostgreSQL (pg_dump, pg_restore), real Redis and BullMQ, the real worker module.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
/** Generous: the worker's relay runs every RELAY_EVERY_MS; a loaded machine may take far longer. */
const WORKER_WAIT_MS = 60_000;
const RELAY_EVERY_MS = 200;
const POLL_MS = 200;

const RESTAGED_SEED = 1424;

/** The XML `stagePoDossier(exchange, seed)` staged (same generator, same inputs), to stage a changed one. */
function poDossierXml(seed: number): string {
  const school = { brin: '00YY', vestiging: '00' };
  const bsn = generateDossier({ profile: 'POVO', seed, school }).pupil.bsn as string;
  const pupil = { bsn, geboortedatum: '2014-04-04' };
  return generateDossier({
    profile: 'POVO',
    seed,
    school,
    pupil,
    date: DOSSIER_DAY,
    inzage: { datum: INZAGE_DAY },
  }).xml;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WORKER_WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

describe('restored transfers follow their re-inserted log (oso db reapply-purges)', () => {
  let exchange: Exchange;
  let released: StagedVersion;
  let withdrawn: StagedVersion;
  let retracted: StagedVersion;
  let restaged: StagedVersion;
  let dir: string;
  let worker: INestApplicationContext | undefined;
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-restored-${randomUUID().slice(0, 8)}`;
  const cliEnv = () => ({ ...process.env, DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
  const queue = new Queue(RELEASE_QUEUE, { connection: bullConnectionOptions(readRedisConfig()), prefix });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oso-restored-'));
    exchange = await startExchange({ suite: 'restored_transfers' });
    // Both releases queued (the gate said release, outbox rows wait for the relay) when the backup is taken.
    released = await stagePoDossier(exchange, 1421);
    await recordInzageByLetter(exchange, released);
    withdrawn = await stagePoDossier(exchange, 1422);
    await recordInzageByLetter(exchange, withdrawn);
    retracted = await stagePoDossier(exchange, 1423);
    await recordInzageByLetter(exchange, retracted);
    restaged = await stagePoDossier(exchange, RESTAGED_SEED);
    await recordInzageByLetter(exchange, restaged);
  });

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await exchange?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a release after the backup stays the only one; a withdrawal or retraction after it wins over the queued release; a version staged after it holds the transfer', async () => {
    await untilCheckpointed(exchange.database);
    const backup = join(dir, 'queued.dump');
    const dumped = await runCommand('pg_dump', [
      '--format=custom',
      '--file',
      backup,
      '--dbname',
      exchange.databaseUrl,
    ]);
    expect(dumped).toMatchObject({ status: 0, stderr: '' });

    // After the backup: one is released, the receiving school withdraws the other.
    expect(await releaseFromOutbox(exchange, released.id)).toEqual(['released']);
    const withdrawal = await exchange.clients.vo.post(`/v1/transfers/${withdrawn.id}/withdrawal`);
    expect(withdrawal.status).toBe(200);
    expect(await transferState(exchange.database, withdrawn.id)).toBe('withdrawn');
    expect(await releasesOf(exchange.database, released.id)).toBe(1);

    // The sender takes one version back, and stages a new version for another (the gate waits for its
    // evidence); the rows of that version and of its gate decision are lost with the database.
    const retraction = await exchange.clients.po.post(`/v1/transfers/${retracted.id}/retraction`, {
      versionHash: retracted.versionHash,
      reason: 'wrong_content',
    });
    expect(retraction.status).toBe(200);
    expect(await transferState(exchange.database, retracted.id)).toBe('requested');
    const newVersion = await exchange.clients.po.put(
      `/v1/transfers/${restaged.id}/dossier`,
      Buffer.from(
        poDossierXml(RESTAGED_SEED).replace(/<pakketversie>[^<]*</, '<pakketversie>changed<'),
        'utf8',
      ),
    );
    expect(newVersion.status).toBe(201);
    expect(await transferState(exchange.database, restaged.id)).toBe('awaiting_evidence');

    // The operator's export, under a checkpoint covering every entry.
    const entries = Number(
      (await exchange.database.query<{ n: string }>('SELECT count(*) AS n FROM exchange_log_entries')).rows[0]
        .n,
    );
    expect(await untilCheckpointed(exchange.database)).toBeGreaterThanOrEqual(entries);
    const runtime = await connectWithRetry(
      new DataSource(dataSourceOptions(exchange.databaseUrl, BROKER_SCHEMA, { runAs: BROKER_RUNTIME_ROLE })),
      { url: exchange.databaseUrl, startupTimeoutSeconds: 5 },
    );
    const chunks: Buffer[] = [];
    try {
      await writeLogExport(
        runtime.manager,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            done();
          },
        }),
      );
    } finally {
      await runtime.destroy();
    }
    const exportFile = join(dir, 'log.jsonl');
    writeFileSync(exportFile, Buffer.concat(chunks));

    // The failure and the restore: the rows are release_queued again, their outbox rows unrelayed.
    await exchange.broker.close();
    exchange.broker.close = async () => undefined;
    const restored = await runCommand('pg_restore', [
      '--clean',
      '--if-exists',
      '--dbname',
      exchange.databaseUrl,
      backup,
    ]);
    expect(restored).toMatchObject({ status: 0, stderr: '' });
    expect(await transferState(exchange.database, released.id)).toBe('release_queued');
    expect(await transferState(exchange.database, withdrawn.id)).toBe('release_queued');
    expect(await releasesOf(exchange.database, released.id)).toBe(0);

    const applied = await runCommand(
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
      { ...cliEnv(), RETENTION_WITHDRAWN_DAYS: '0' },
    );
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain(`restored transfers brought forward to released: 1 — ${released.id}`);
    expect(applied.stdout).toContain(`restored transfers brought forward to withdrawn: 1 — ${withdrawn.id}`);
    expect(applied.stdout).toContain(`restored transfers brought forward to requested: 1 — ${retracted.id}`);
    expect(applied.stdout).toMatch(
      new RegExp(`restored transfers held in blocked \\(.*\\): 1 — ${restaged.id}`),
    );
    expect(await transferState(exchange.database, released.id)).toBe('released');
    expect(await transferState(exchange.database, retracted.id)).toBe('requested');
    expect(await transferState(exchange.database, restaged.id)).toBe('blocked');
    // Withdrawn, and so (a withdrawal's payload term is 0 days here) purged by today's retention at once.
    expect(applied.stdout).toMatch(/retention today: 1 payload\(s\) destroyed, 1 transfer\(s\) purged/);
    expect(await transferState(exchange.database, withdrawn.id)).toBe('purged');

    // The release is in the log once (the re-inserted entry); each catch-up is the broker's own entry.
    expect(await releasesOf(exchange.database, released.id)).toBe(1);
    const reconciled = await exchange.database.query<{
      transfer_id: string;
      details: unknown;
      actor_kind: string;
    }>(
      `SELECT transfer_id::text, details, actor_kind FROM exchange_log_entries
        WHERE event_type = 'state_reconciled' ORDER BY id`,
    );
    expect(reconciled.rows).toEqual(
      expect.arrayContaining([
        {
          transfer_id: released.id,
          actor_kind: 'broker',
          details: { from: 'release_queued', to: 'released', event: 'restored_from_log' },
        },
        {
          transfer_id: withdrawn.id,
          actor_kind: 'broker',
          details: { from: 'release_queued', to: 'withdrawn', event: 'restored_from_log' },
        },
        {
          transfer_id: retracted.id,
          actor_kind: 'broker',
          details: { from: 'release_queued', to: 'requested', event: 'restored_from_log' },
        },
        {
          transfer_id: restaged.id,
          actor_kind: 'broker',
          details: { from: 'release_queued', to: 'blocked', event: 'held_after_restore' },
        },
      ]),
    );
    expect(reconciled.rows).toHaveLength(4);
    // The sending vendor sees why its transfer is held, in the transfer's history.
    const held = await exchange.database.query<{ event: string; from_state: string; to_state: string }>(
      `SELECT event, from_state, to_state FROM transfer_history WHERE transfer_id = $1 ORDER BY id DESC LIMIT 1`,
      [restaged.id],
    );
    expect(held.rows).toEqual([
      { event: 'held_after_restore', from_state: 'release_queued', to_state: 'blocked' },
    ]);
    expect(
      (
        await exchange.database.query('SELECT current_version_id FROM transfers WHERE id = $1', [
          retracted.id,
        ])
      ).rows,
    ).toEqual([{ current_version_id: null }]);
    const history = await exchange.database.query<{ event: string; to_state: string }>(
      `SELECT event, to_state FROM transfer_history WHERE transfer_id = $1 ORDER BY id DESC LIMIT 2`,
      [withdrawn.id],
    );
    expect(history.rows).toEqual([
      { event: 'purge', to_state: 'purged' },
      { event: 'restored_from_log', to_state: 'withdrawn' },
    ]);

    // A release worker started afterwards relays the restored outbox rows; its jobs find nothing to do.
    worker = await startReleaseWorker(exchange.databaseUrl, {
      REDIS_PREFIX: prefix,
      RELEASE_RELAY_EVERY_MS: String(RELAY_EVERY_MS),
    });
    await until('the restored outbox rows are relayed', async () => {
      const { rows } = await exchange.database.query<{ n: string }>(
        `SELECT count(*) AS n FROM release_outbox WHERE relayed_at IS NULL AND transfer_id = ANY($1::uuid[])`,
        [[released.id, withdrawn.id, retracted.id, restaged.id]],
      );
      return Number(rows[0].n) === 0;
    });
    await until('the release queue drains', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      return Object.values(counts).every((n) => n === 0);
    });
    expect(await releasesOf(exchange.database, released.id)).toBe(1);
    expect(await releasesOf(exchange.database, withdrawn.id)).toBe(0);
    expect(await releasesOf(exchange.database, retracted.id)).toBe(0);
    expect(await releasesOf(exchange.database, restaged.id)).toBe(0);
    expect(await transferState(exchange.database, restaged.id)).toBe('blocked');
    expect(await transferState(exchange.database, released.id)).toBe('released');
    expect(await transferState(exchange.database, withdrawn.id)).toBe('purged');

    // The broker serves: the receiver fetches the version released after the backup (the row points at it
    // again), and the sending vendor sees why its other transfer is held.
    const broker = await startBroker({ DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir });
    const vo = new VendorClient(broker.port, exchange.credentials.vo, exchange.pki.caCertificate);
    const po = new VendorClient(broker.port, exchange.credentials.po, exchange.pki.caCertificate);
    try {
      const fetched = await vo.get(`/v1/transfers/${released.id}/dossier`);
      expect(fetched.status).toBe(200);
      const seen = await po.get(`/v1/transfers/${restaged.id}`);
      expect(seen.status).toBe(200);
      expect(seen.body.state).toBe('blocked');
      expect(seen.body.history).toEqual(
        expect.arrayContaining([expect.objectContaining({ event: 'held_after_restore', to: 'blocked' })]),
      );
    } finally {
      await vo.close();
      await po.close();
      await broker.close();
    }

    // Running the command again changes nothing more.
    const again = await runCommand(
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
      { ...cliEnv(), RETENTION_WITHDRAWN_DAYS: '0' },
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('restored transfers: none behind their log');
  });
});
