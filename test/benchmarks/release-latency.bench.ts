import type { INestApplicationContext } from '@nestjs/common';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { recordInzageByLetter, stagePoDossier, transferState } from '../support/release-steps';
import { startReleaseWorker } from '../support/release-worker-fixture';

/**
 * The data engineer's release-latency driver (issue #13): from the evidence that allows a release (the
 * inzage recorded through the API) to the transfer `released`, with the worker polling its outbox every
 * second (as before) and with the wake-up on commit. Sequential, so it measures waiting, not load.
 *   npx jest --testRegex 'release-latency\.bench\.ts$' test/benchmarks/release-latency.bench.ts
 */
const RELEASES = Number(process.env.BENCH_RELEASES ?? 20);
let seed = 9000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('bench: release latency', () => {
  let exchange: Exchange;
  beforeAll(async () => {
    exchange = await startExchange({ suite: 'bench_release_latency' });
  }, 120_000);
  afterAll(() => exchange?.close());

  it.each([
    ['polling every 1 s (before)', 'off'],
    ['woken on commit', 'on'],
  ])(
    '%s',
    async (label, wake) => {
      const worker: INestApplicationContext = await startReleaseWorker(exchange.databaseUrl, {
        RELEASE_RELAY_EVERY_MS: '1000',
        RELEASE_RELAY_WAKE_ON_COMMIT: wake,
      });
      const latencies: number[] = [];
      try {
        for (let i = 0; i < RELEASES; i += 1) {
          const { id, versionHash } = await stagePoDossier(exchange, ++seed);
          const started = Date.now();
          await recordInzageByLetter(exchange, { id, versionHash }, 'Gezien.');
          while (
            (await transferState(exchange.database, id)) !== 'released' &&
            Date.now() - started < 30_000
          ) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          latencies.push(Date.now() - started);
        }
      } finally {
        await worker.close();
      }
      latencies.sort((a, b) => a - b);
      process.stdout.write(
        `release latency, ${label}: ${RELEASES} releases, p50 ${percentile(latencies, 50)} ms, ` +
          `p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms\n`,
      );
      expect(latencies).toHaveLength(RELEASES);
    },
    300_000,
  );
});
