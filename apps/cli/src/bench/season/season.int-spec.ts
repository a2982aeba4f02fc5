import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { Exchange, SchoolSetup, startExchange } from '../../../../../test/support/exchange-fixture';
import { startReleaseWorker } from '../../../../../test/support/release-worker-fixture';
import type { BenchVendor } from '../load/bench-broker';
import { SeasonBroker } from './season-client';
import { SeasonPlan } from './season-plan';
import { SeasonCheck, countFromExchangeLog } from './season-checks';
import { SeasonOutcome, driveSeason } from './season-driver';

/**
 * `bench:season` on the real stack with a small N: the real broker API over mutual TLS with signatures,
 * the real release worker, PostgreSQL and Redis. Three vendors serve four PO and four VO schools; the
 * pupils move PO→VO, VO→VO with a parent's consent and VO→VO with the 16+ pupil's own; two have their
 * inzage withheld. The checks are counted from the exchange log.
 */
const PO = ['11AB00', '12AB00', '13AB00', '14AB00'];
const VO = ['21CD00', '22CD00', '23CD00', '24CD00'];
const PUPILS = 30;
const WITHHELD = 2;
const schools: SchoolSetup[] = [
  ...PO.map((code) => ({ code, name: `Basisschool ${code}`, sector: 'PO' as const })),
  ...VO.map((code) => ({ code, name: `College ${code}`, sector: 'VO' as const })),
];
/** Each vendor serves a PO and a VO school or more (both sides), as a LAS does. */
const served = [
  [PO[0], PO[1], VO[0]],
  [PO[2], VO[1], VO[2]],
  [PO[3], VO[3]],
];

describe('bench:season on the real stack', () => {
  let exchange: Exchange<string>;
  let worker: INestApplicationContext;
  let outcome: SeasonOutcome;
  let checks: SeasonCheck[];

  beforeAll(async () => {
    const redisPrefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-season-${randomUUID().slice(0, 8)}`;
    exchange = await startExchange<string>({
      suite: 'bench_season',
      schools,
      vendors: Object.fromEntries(served.map((codes, i) => [`las${i}`, { id: `las-${i}`, serves: codes }])),
      env: { REDIS_PREFIX: redisPrefix, API_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    worker = await startReleaseWorker(exchange.databaseUrl, {
      REDIS_PREFIX: redisPrefix,
      RELEASE_RELAY_EVERY_MS: '200',
    });
    const sector = (code: string) => (PO.includes(code) ? 'PO' : 'VO') as 'PO' | 'VO';
    const vendors: BenchVendor[] = served.map((codes, i) => ({
      id: `las-${i}`,
      schools: codes.map((code) => ({ code, sector: sector(code), bevoegdGezag: '10001' })),
      certificatePem: exchange.credentials[`las${i}`].cert.toString(),
      keyPem: exchange.credentials[`las${i}`].key.toString(),
    }));
    const broker: SeasonBroker = {
      baseUrl: `https://127.0.0.1:${exchange.broker.port}`,
      caPem: exchange.pki.caCertificate.toString(),
      brokerCertificatePem: readFileSync(exchange.pki.pki.store.serverCertificateFile, 'utf8'),
      vendors,
      databaseUrl: exchange.databaseUrl,
      schema: 'public',
      servername: 'localhost',
    };
    // A third VO→VO, so every route is taken with 30 pupils.
    const plan = new SeasonPlan(vendors, PUPILS, WITHHELD, {
      voToVoShare: 0.34,
      sixteenPlusShare: 0.5,
      smallShare: 0.5,
      mediumShare: 0.3,
    });
    outcome = await driveSeason(broker, plan, {
      concurrency: 4,
      fetchConcurrency: 2,
      deadline: Date.now() + 90_000,
      graceMs: 30_000,
      maxAwaiting: 100,
      progress: () => undefined,
      progressEveryMs: 60_000,
      firstBsnHead: 30_000_000,
    });
    checks = await countFromExchangeLog(broker.databaseUrl, broker.schema, outcome, plan.sectors);
  }, 240_000);

  afterAll(async () => {
    await worker?.close();
    await exchange?.close();
  });

  const check = (what: string) => checks.find((candidate) => candidate.what === what) as SeasonCheck;

  it('moves every pupil: the eligible ones fetched and receipted, the withheld ones staged and held', () => {
    expect(outcome.failures).toEqual(new Map());
    expect(outcome.unexpectedDecisions).toBe(0);
    expect(outcome.withheld.size).toBe(WITHHELD);
    expect(outcome.eligible.size).toBe(PUPILS - WITHHELD);
    expect(outcome.completed).toBe(PUPILS - WITHHELD);
    expect(outcome.mismatched).toBe(0);
    expect(outcome.timedOut).toBe(false);
  });

  it('takes every route: PO→VO, VO→VO with a parent’s consent and with the 16+ pupil’s own', () => {
    expect(outcome.steps.consent.count).toBeGreaterThanOrEqual(2);
    expect(outcome.steps.inzage.count).toBeGreaterThan(outcome.steps.consent.count);
  });

  it('counts from the exchange log: released exactly once, none ungated, none lost', () => {
    for (const what of [
      'every eligible dossier released exactly once',
      'none released without its gate evidence',
      'none lost: every release fetched and receipted',
    ]) {
      expect({ what, holds: check(what).holds, detail: check(what).detail }).toEqual(
        expect.objectContaining({ holds: true }),
      );
    }
    expect(check('every eligible dossier released exactly once').detail).toBe(
      `${PUPILS - WITHHELD}/${PUPILS - WITHHELD} once, 0 never, 0 more than once`,
    );
  });

  it('holds back the dossiers whose inzage was withheld, and counts them so', () => {
    const held = check('every withheld dossier (no inzage) held back');
    expect(held.holds).toBe(true);
    expect(held.detail).toBe(`${WITHHELD}/${WITHHELD} never queued nor released`);
  });
});
