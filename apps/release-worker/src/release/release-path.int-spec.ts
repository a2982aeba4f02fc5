import { RELEASE_QUEUE, bullConnectionOptions, readRedisConfig } from '@app/queues';
import { releaseQueuedTransfer } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  INZAGE_DAY,
  recordInzageByLetter,
  releasesOf as releasesInLog,
  stagePoDossier,
  transferState,
} from '../../../../test/support/release-steps';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { readReleaseWorkerConfig } from '../release-worker.config';
import { ReleaseWorkerModule } from '../release-worker.module';
import { ReleaseRelay } from './release-relay';

/**
 * The release path on the real broker, PostgreSQL and Redis: evidence through the API writes the outbox
 * row, the relay adds the job, the release worker (its real module, as the runtime role) releases.
 * Releases are counted from the exchange log. The relay is driven by hand (its timer set to an hour), so
 * each test decides when a job exists; the worker takes jobs from Redis by itself.
 */
let seed = 700;

describe('the release path: outbox, relay, worker', () => {
  let exchange: Exchange;
  let worker: INestApplicationContext;
  let relay: ReleaseRelay;
  let queue: Queue;
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-release-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'release_path' });
    const config = readReleaseWorkerConfig({
      ...process.env,
      DATABASE_URL: exchange.databaseUrl,
      REDIS_PREFIX: prefix,
      RELEASE_RELAY_EVERY_MS: String(3_600_000),
      RELEASE_RELAY_RECHECK_SECONDS: '60',
      // Driven by hand here; the wake-up on commit has its own test below.
      RELEASE_RELAY_WAKE_ON_COMMIT: 'off',
    });
    worker = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
      logger: ['error'],
    });
    await worker.init();
    relay = worker.get(ReleaseRelay);
    queue = new Queue(RELEASE_QUEUE, { connection: bullConnectionOptions(config.redis), prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await worker?.close();
    await exchange?.close();
  });

  const staged = () => stagePoDossier(exchange, ++seed);
  const inzageGiven = (id: string, versionHash: string) =>
    recordInzageByLetter(exchange, { id, versionHash }, 'Wij zien het anders.');
  const stateOf = (id: string) => transferState(exchange.database, id);
  const releasesOf = (id: string) => releasesInLog(exchange.database, id);

  /** Waits until the worker has taken and finished every job (a deadline only against hanging). */
  async function queueDrained(): Promise<void> {
    for (let waited = 0; waited < 30_000; waited += 100) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the release queue did not drain in 30 s');
  }

  it('releases a PO dossier once the inzage is recorded; the receiver fetches the same bytes', async () => {
    const { id, versionHash, sha256 } = await staged();
    await inzageGiven(id, versionHash);
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    await queueDrained();
    expect(await stateOf(id)).toBe('released');
    expect(await releasesOf(id)).toBe(1);
    const fetched = await exchange.clients.vo.get(`/v1/transfers/${id}/dossier`);
    expect(fetched.status).toBe(200);
    expect(createHash('sha256').update(fetched.raw).digest('hex')).toBe(sha256);
    // The worker asked the gate again and logged it, without the remarks or the parent.
    const entries = await exchange.database.query<{ event_type: string; details: unknown }>(
      `SELECT event_type, details FROM exchange_log_entries WHERE transfer_id = $1 ORDER BY id`,
      [id],
    );
    expect(entries.rows.filter((row) => row.event_type === 'gate_decided')).toHaveLength(2);
    expect(JSON.stringify(entries.rows)).not.toMatch(/ouder-1|anders/);

    // A relay round after the release re-adds nothing, and the row is marked.
    expect(await relay.relay()).toBe(0);
    const marked = await exchange.database.query(
      'SELECT 1 FROM release_outbox WHERE transfer_id = $1 AND relayed_at IS NOT NULL',
      [id],
    );
    expect(marked.rowCount).toBe(1);

    // The worker runs as the runtime role: it may set the relay's mark, and no other column of the row.
    const refused = await worker
      .get(DataSource)
      .query(`UPDATE release_outbox SET version_hash = $1 WHERE transfer_id = $2`, ['0'.repeat(64), id])
      .then(
        () => null,
        (error: { code?: string }) => error.code,
      );
    expect(refused).toBe('42501');
  });

  it('two workers racing on the same job release once', async () => {
    const { id, versionHash } = await staged();
    await inzageGiven(id, versionHash);
    const dataSource = worker.get(DataSource);
    const vault = worker.get(DossierVault);
    const job = { transferId: id, versionHash };
    const outcomes = await Promise.all(
      [1, 2].map(() => releaseQueuedTransfer(dataSource, vault, TRANSFER_LOG_RECORDER, job, new Date())),
    );
    expect(outcomes.sort()).toEqual(['nothing', 'released']);
    // And the queued job, delivered afterwards, changes nothing.
    await relay.relay();
    await queueDrained();
    expect(await stateOf(id)).toBe('released');
    expect(await releasesOf(id)).toBe(1);
  });

  it('asks the gate again: a gate that no longer says release sends the transfer back, unreleased', async () => {
    const { id, versionHash } = await staged();
    await inzageGiven(id, versionHash);
    // At a moment before the recorded inzage, the gate cannot release (an act must not lie in the future).
    const before = new Date(`${INZAGE_DAY}T00:00:00Z`);
    before.setUTCDate(before.getUTCDate() - 1);
    const outcome = await releaseQueuedTransfer(
      worker.get(DataSource),
      worker.get(DossierVault),
      TRANSFER_LOG_RECORDER,
      { transferId: id, versionHash },
      before,
    );
    expect(outcome).toBe('gate_changed');
    expect(await stateOf(id)).toBe('awaiting_evidence');
    expect(await releasesOf(id)).toBe(0);
    const last = await exchange.database.query<{ details: { outcome: string } }>(
      `SELECT details FROM exchange_log_entries
        WHERE transfer_id = $1 AND event_type = 'gate_decided' ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(last.rows[0].details.outcome).toBe('wait');
  });

  it('re-adds a relayed job that Redis lost: released once', async () => {
    const { id, versionHash } = await staged();
    await inzageGiven(id, versionHash);
    // As if the relay had added the job and Redis had then been flushed: marked, but no job anywhere.
    await exchange.database.query(
      `UPDATE release_outbox SET relayed_at = now() - interval '1 hour' WHERE transfer_id = $1`,
      [id],
    );
    const redis = new Redis(readRedisConfig().url);
    try {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    expect(await stateOf(id)).toBe('release_queued');
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    await queueDrained();
    expect(await stateOf(id)).toBe('released');
    expect(await releasesOf(id)).toBe(1);
  });

  it('a withdrawal committed before the worker runs wins: never released', async () => {
    const { id, versionHash } = await staged();
    await inzageGiven(id, versionHash);
    const withdrawn = await exchange.clients.vo.post(`/v1/transfers/${id}/withdrawal`, {});
    expect(withdrawn.status).toBe(200);
    await relay.relay();
    await queueDrained();
    expect(await stateOf(id)).toBe('withdrawn');
    expect(await releasesOf(id)).toBe(0);
  });

  it('with wake-on-commit, the relay runs when the evidence commits, not at its next tick (an hour away)', async () => {
    const waking = await NestFactory.createApplicationContext(
      ReleaseWorkerModule.forRoot(
        readReleaseWorkerConfig({
          ...process.env,
          DATABASE_URL: exchange.databaseUrl,
          REDIS_PREFIX: `${prefix}-waking`,
          RELEASE_RELAY_EVERY_MS: String(3_600_000),
          RELEASE_RELAY_WAKE_ON_COMMIT: 'on',
        }),
      ),
      { logger: ['error'] },
    );
    try {
      await waking.init();
      const { id, versionHash } = await staged();
      await inzageGiven(id, versionHash);
      // A deadline against hanging only: without the wake-up nothing would run for an hour.
      for (let waited = 0; (await stateOf(id)) !== 'released' && waited < 20_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await stateOf(id)).toBe('released');
      expect(await releasesOf(id)).toBe(1);
    } finally {
      await waking.close();
    }
  });
});
