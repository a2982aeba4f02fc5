import { Client } from 'pg';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { POVO_DOSSIER_BYTES, POVO_EXAMPLE, POVO_PUPIL } from '../support/large-dossiers';
import { dossierForPupil, validBsns } from '../support/dossier-pupil';
import type { ApiResponse } from '../support/vendor-client';

/**
 * The data engineer's driver (issue #13): staging through the real API (mutual TLS, signatures) with a
 * different pupil each time, counting the SQL statements the broker sends per staging; then 64 uploads
 * for one pupil at once. Reports, asserts nothing about time. Run it on its own:
 *   npx jest --testRegex 'data-path\.bench\.ts$' test/benchmarks/data-path.bench.ts
 */
const STAGINGS = Number(process.env.BENCH_STAGINGS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SAME_PUPIL = 64;

/** Every statement the broker's pg clients send, by its first words (the driver's own connection too). */
const statements = new Map<string, number>();
const originalQuery = Client.prototype.query;
function countStatements(on: boolean): void {
  (Client.prototype as { query: unknown }).query = on
    ? function (this: Client, ...args: unknown[]) {
        const first = args[0] as string | { text?: string };
        const text = typeof first === 'string' ? first : (first?.text ?? '?');
        const key = text.replace(/\s+/g, ' ').slice(0, 90);
        statements.set(key, (statements.get(key) ?? 0) + 1);
        return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
      }
    : originalQuery;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('bench: the data path of staging', () => {
  let exchange: Exchange;
  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'bench_data_path',
      env: {
        VALIDATION_RUNNING_PER_VENDOR: '2',
        VALIDATION_WAITING_PER_VENDOR: '128',
        VALIDATION_WAITING_MB_PER_VENDOR: '128',
      },
    });
  }, 120_000);
  afterAll(() => exchange?.close());

  it('stages a different pupil each time, and one pupil 64 times at once', async () => {
    const po = exchange.newClient('po');
    const bsns = validBsns(STAGINGS + CONCURRENCY * 2, 20_000_000);
    const bodies = bsns.map((bsn) =>
      dossierForPupil(POVO_DOSSIER_BYTES, { bsn, geboortedatum: '2014-03-01' }),
    );
    // Warm-up: connections, worker threads, JIT.
    for (let i = 0; i < CONCURRENCY * 2; i += 1) {
      const answer = await po.send('POST', '/v1/dossiers', bodies.pop()!);
      if (answer.status !== 201) throw new Error(`warm-up: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    statements.clear();
    countStatements(true);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < STAGINGS) {
          const body = bodies[next++];
          const t0 = process.hrtime.bigint();
          const answer = await po.send('POST', '/v1/dossiers', body);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    countStatements(false);
    latencies.sort((a, b) => a - b);
    const total = [...statements.values()].reduce((a, b) => a + b, 0);
    const lines = [
      `staging POST /v1/dossiers, ${STAGINGS} at concurrency ${CONCURRENCY}: ${(STAGINGS / seconds).toFixed(1)}/s, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms; statuses ${JSON.stringify([...statuses])}`,
      `SQL statements per staging: ${(total / STAGINGS).toFixed(2)}`,
      ...[...statements]
        .sort((a, b) => b[1] - a[1])
        .map(([text, count]) => `  ${(count / STAGINGS).toFixed(2)}  ${text}`),
    ];

    // 64 uploads for one pupil at once (a transfer asks for them, so each also serves it).
    const vo = exchange.newClient('vo');
    const request = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil: POVO_PUPIL,
    });
    if (request.status !== 201) throw new Error(`request: ${request.status}`);
    const same = exchange.newClient('po');
    const t0 = Date.now();
    const answers: Array<ApiResponse & { ms: number }> = await Promise.all(
      Array.from({ length: SAME_PUPIL }, async () => {
        const answer = await same.put(`/v1/transfers/${String(request.body.id)}/dossier`, POVO_EXAMPLE);
        return { ...answer, ms: Date.now() - t0 };
      }),
    );
    const byStatus = new Map<string, number>();
    for (const answer of answers) {
      const key = `${answer.status} ${answer.status === 201 ? '' : String(answer.body.error)}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    lines.push(
      `${SAME_PUPIL} same-pupil uploads at once: ${JSON.stringify([...byStatus])}, last answer after ` +
        `${Math.max(...answers.map((a) => a.ms))} ms`,
    );
    for (const client of [po, vo, same]) client.close();
    process.stdout.write(`${lines.join('\n')}\n`);
    expect(latencies.length).toBe(STAGINGS);
  }, 600_000);
});
