import { CertificateAuthority, validityFromNow } from '@app/pki';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDossier } from '@app/oso-dataset';
import { Exchange, startExchange } from '../../../test/support/exchange-fixture';
import { startReleaseWorker } from '../../../test/support/release-worker-fixture';
import { recordInzageByLetter, stagePoDossier } from '../../../test/support/release-steps';
import type { ReleaseOutcome } from '@app/transfers';
import { RequestExpirySweep } from './expiry/request-expiry.sweep';
import { ReleaseProcessor } from './release/release.processor';
import { RetentionSweep } from './retention/retention.sweep';

const DAY = 86_400_000;
/** Eligible transfers released by the two workers together. */
const ELIGIBLE = 10;
/** Open requests (no dossier) the expiry sweeps of both workers race for. */
const OPEN_REQUESTS = 6;
/** Generous bounds for a busy machine; conditions are polled, never timed. */
const RELEASED_BOUND_MS = 90_000;

/**
 * Two release workers (two Nest application contexts, each with its own pool, Redis connections,
 * relays, BullMQ workers and sweep timers) on one database and one Redis prefix, as two worker processes
 * would run: the release relays race for the same outbox rows (re-adding relayed ones every second), both
 * take jobs, the notification relays lease the same due rows, and the expiry and retention sweeps run
 * in both at once. Every count comes from the exchange log, as the season's checks count (once per
 * transfer, never twice).
 */
describe('two release workers on one database and one Redis behave as one', () => {
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-two-workers-${randomUUID().slice(0, 8)}`;
  let exchange: Exchange;
  const workers: INestApplicationContext[] = [];
  const eligible: string[] = [];
  const open: string[] = [];
  let seed = 4_100;
  /** The receiving vendor's webhook (mutual TLS, certificate from the broker's CA): notification ids seen. */
  let webhook: Server;
  const delivered: string[] = [];
  /** Per worker, the outcome of every release job it completed. */
  const outcomes: ReleaseOutcome[][] = [[], []];

  const count = async (sql: string, params: unknown[]) =>
    (await exchange.database.query<{ id: string; n: number }>(sql, params)).rows;
  /** Per transfer, how often the log says it moved to `state`. */
  const movesTo = async (state: string, ids: string[]) => {
    const rows = await count(
      `SELECT t.id::text AS id, count(e.id)::int AS n
         FROM unnest($2::uuid[]) AS t(id)
         LEFT JOIN exchange_log_entries e
           ON e.transfer_id = t.id AND e.event_type = 'state_changed' AND e.details->>'to' = $1
        GROUP BY t.id ORDER BY t.id`,
      [state, ids],
    );
    return rows.map((row) => row.n);
  };
  /** Per transfer, how many log entries of `type` it has. */
  const logged = async (type: string, ids: string[]) => {
    const rows = await count(
      `SELECT t.id::text AS id, count(e.id)::int AS n
         FROM unnest($2::uuid[]) AS t(id)
         LEFT JOIN exchange_log_entries e ON e.transfer_id = t.id AND e.event_type = $1
        GROUP BY t.id ORDER BY t.id`,
      [type, ids],
    );
    return rows.map((row) => row.n);
  };
  const statesOf = async (ids: string[]) =>
    (
      await exchange.database.query<{ state: string }>('SELECT state FROM transfers WHERE id = ANY($1)', [
        ids,
      ])
    ).rows.map((row) => row.state);

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'two_workers' });
    const store = exchange.pki.pki.store;
    const tls = CertificateAuthority.load(store.readCa()).issueServerCertificate(
      ['127.0.0.1'],
      validityFromNow(2),
    );
    webhook = createServer(
      {
        key: tls.keyPem,
        cert: tls.certificatePem,
        ca: exchange.pki.caCertificate,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          delivered.push(String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown }).id));
          response.writeHead(204).end();
        });
      },
    );
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const { port } = webhook.address() as AddressInfo;
    await exchange.pki.registry.setVendorWebhook({
      id: 'vo-las',
      url: `https://127.0.0.1:${port}/hooks/oso`,
    });
    for (let index = 0; index < OPEN_REQUESTS; index++) {
      const school = { brin: '00YY', vestiging: '00' };
      const bsn = generateDossier({ profile: 'POVO', seed: ++seed, school }).pupil.bsn as string;
      const requested = await exchange.clients.vo.post('/v1/transfers', {
        targetSchool: '01XZ00',
        sourceSchool: '00YY00',
        pupil: { bsn, geboortedatum: '2014-04-04' },
      });
      expect(requested.status).toBe(201);
      open.push(requested.body.id as string);
    }
    // Both start together: their first relay rounds race for the same rows.
    const env = {
      REDIS_PREFIX: prefix,
      RELEASE_RELAY_EVERY_MS: '100',
      RELEASE_RELAY_RECHECK_SECONDS: '1',
      RELEASE_RELAY_WAKE_ON_COMMIT: 'on',
      NOTIFY_RELAY_EVERY_MS: '100',
      PKI_DIR: exchange.pki.dir,
      // The webhook's certificate comes from the test CA, which no system store holds.
      NOTIFY_EXTRA_CA_FILE: store.caCertificateFile,
    };
    workers.push(
      ...(await Promise.all([
        startReleaseWorker(exchange.databaseUrl, env),
        startReleaseWorker(exchange.databaseUrl, env),
      ])),
    );
    workers.forEach((worker, index) =>
      worker
        .get(ReleaseProcessor)
        .worker.on('completed', (_job, outcome: ReleaseOutcome) => outcomes[index].push(outcome)),
    );
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    if (webhook) await new Promise((resolve) => webhook.close(resolve));
    await exchange?.close();
  });

  it('releases every eligible transfer exactly once, though both relays add its job and both take jobs', async () => {
    // Made eligible while both run: each commit wakes both relays at once (NOTIFY), so they race.
    for (let index = 0; index < ELIGIBLE; index++) {
      const staged = await stagePoDossier(exchange, ++seed);
      await recordInzageByLetter(exchange, staged);
      eligible.push(staged.id);
    }
    const deadline = Date.now() + RELEASED_BOUND_MS;
    while ((await statesOf(eligible)).some((state) => state !== 'released')) {
      if (Date.now() > deadline) throw new Error(`not all released within ${RELEASED_BOUND_MS} ms`);
      await sleep(200);
    }
    // Several more relay rounds in both (rows re-added after a second if still queued): nothing more.
    await sleep(2_500);
    expect(await movesTo('released', eligible)).toEqual(eligible.map(() => 1));
    expect(await movesTo('release_queued', eligible)).toEqual(eligible.map(() => 1));
    // The jobs' outcomes, from both workers' BullMQ workers: `released` once per transfer in all.
    const released = outcomes.flatMap((mine) => mine.filter((outcome) => outcome === 'released'));
    expect(released).toHaveLength(ELIGIBLE);
  });

  it('delivers every notification once: both relays lease due rows with SKIP LOCKED', async () => {
    const openRows = () =>
      count(
        `SELECT id::text AS id, attempts AS n FROM notification_outbox
          WHERE transfer_id = ANY($1) AND delivered_at IS NULL AND dead_at IS NULL`,
        [eligible],
      );
    const deadline = Date.now() + RELEASED_BOUND_MS;
    while ((await openRows()).length > 0) {
      if (Date.now() > deadline) throw new Error('notifications still open');
      await sleep(200);
    }
    await sleep(1_000); // more relay rounds in both: nothing is sent again
    const rows = await count(
      'SELECT id::text AS id, attempts AS n FROM notification_outbox WHERE transfer_id = ANY($1) ORDER BY id',
      [eligible],
    );
    // The release notice to the receiving vendor, one per transfer; each delivered at its first attempt.
    expect(rows).toHaveLength(ELIGIBLE);
    expect(rows.map((row) => row.n)).toEqual(rows.map(() => 1));
    expect([...delivered].sort()).toEqual(rows.map((row) => row.id).sort());
    const [{ n: outcomes }] = await count(
      `SELECT '' AS id, count(*)::int AS n FROM exchange_log_entries
        WHERE transfer_id = ANY($1) AND event_type = 'notification_delivered'`,
      [eligible],
    );
    expect(outcomes).toBe(ELIGIBLE);
  });

  it('expires each overdue request once, with the expiry sweep running in both at once', async () => {
    const { rows } = await exchange.database.query<{ at: Date }>(
      'SELECT max(expires_at) AS at FROM transfers WHERE id = ANY($1)',
      [open],
    );
    const overdue = new Date(rows[0].at.getTime() + 1000);
    const sweeps = workers.map((worker) => worker.get(RequestExpirySweep));
    let expired = 0;
    for (let round = 0; round < 3; round++) {
      const counts = await Promise.all(sweeps.map((sweep) => sweep.sweep(overdue)));
      expired += counts[0] + counts[1];
    }
    expect(expired).toBe(OPEN_REQUESTS);
    expect(await logged('expired', open)).toEqual(open.map(() => 1));
    // The released ones are not open: untouched.
    expect(await logged('expired', eligible)).toEqual(eligible.map(() => 0));
  });

  it('destroys each payload and purges each transfer once, with retention running in both at once', async () => {
    // Past every term: the released-but-unacknowledged payloads (90 days) and the expired requests (0).
    const later = new Date(Date.now() + 120 * DAY);
    const sweeps = workers.map((worker) => worker.get(RetentionSweep));
    let payloads = 0;
    let purged = 0;
    for (let round = 0; round < 3; round++) {
      const rounds = await Promise.all(sweeps.map((sweep) => sweep.sweep(later)));
      for (const done of rounds) {
        payloads += done.payloads;
        purged += done.transfers;
      }
    }
    const all = [...eligible, ...open];
    expect(await movesTo('purged', all)).toEqual(all.map(() => 1));
    expect(purged).toBe(all.length);
    const [{ n: destroyed }] = await count(
      `SELECT '' AS id, count(*)::int AS n FROM exchange_log_entries
        WHERE transfer_id = ANY($1) AND event_type = 'payload_purged'`,
      [all],
    );
    expect(destroyed).toBe(ELIGIBLE);
    expect(payloads).toBe(ELIGIBLE);
  });
});
