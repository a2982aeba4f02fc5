import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { httpsJson } from '../../../../test/support/https-client';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';

/** The per-vendor request budget on the real broker: one vendor running out leaves the others alone. */
describe('rate limit per vendor', () => {
  let exchange: Exchange<'greedy' | 'greedyToo' | 'modest' | 'counted' | 'spread'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let greedy: ClientCredentials;
  let greedyToo: ClientCredentials;
  let modest: ClientCredentials;
  let counted: ClientCredentials;
  let spread: ClientCredentials;

  beforeAll(async () => {
    // greedy and greedyToo are two certificates of one vendor, which share its budget.
    const greedyLas = { id: 'greedy-las', name: 'Greedy LAS' };
    exchange = await startExchange({
      suite: 'rate_limit',
      schools: [],
      vendors: {
        greedy: greedyLas,
        greedyToo: greedyLas,
        modest: { id: 'modest-las', name: 'Modest LAS' },
        counted: { id: 'counted-las', name: 'Counted LAS' },
        spread: { id: 'spread-las', name: 'Spread LAS' },
      },
      env: { API_RATE_LIMIT_PER_MINUTE: '5' },
    });
    ({ pki, broker } = exchange);
    ({ greedy, greedyToo, modest, counted, spread } = exchange.credentials);
  });
  afterAll(() => exchange?.close());

  const whoami = (client: ClientCredentials) =>
    httpsJson(broker.port, '/v1/whoami', { ca: pki.caCertificate, cert: client.cert, key: client.key });

  it('answers 429 RATE_LIMITED past the budget, counted per vendor, not per certificate', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++)
      statuses.push((await whoami(index % 2 ? greedy : greedyToo)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await whoami(greedy);
    expect([refused.status, refused.body.error]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.body.message).toMatch(/retry after \d+ s/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await whoami(greedyToo)).status).toBe(429);
    expect((await whoami(modest)).status).toBe(200);
  });

  it('counts one budget for all routes together, not one per route', async () => {
    const get = (path: string) =>
      httpsJson(broker.port, path, { ca: pki.caCertificate, cert: spread.cert, key: spread.key });
    const statuses = [
      (await get('/v1/whoami')).status,
      (await get('/health')).status,
      (await get('/v1/whoami')).status,
      (await get('/health')).status,
      (await get('/v1/whoami')).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // Three on one route and two on another spend the five: the next is refused on either.
    const refused = await get('/v1/whoami');
    expect([refused.status, refused.body.error]).toEqual([429, 'RATE_LIMITED']);
    expect((await get('/health')).status).toBe(429);
  });

  it('tells every answer the budget, what is left of it and when it resets (X-RateLimit-*)', async () => {
    const answers = [];
    for (let index = 0; index < 6; index++) answers.push(await whoami(counted));
    const budget = answers.map((answer) => [
      answer.status,
      answer.headers['x-ratelimit-limit'],
      answer.headers['x-ratelimit-remaining'],
    ]);
    expect(budget).toEqual([
      [200, '5', '4'],
      [200, '5', '3'],
      [200, '5', '2'],
      [200, '5', '1'],
      [200, '5', '0'],
      [429, '5', '0'],
    ]);
    for (const answer of answers) {
      const reset = Number(answer.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(60);
    }
    expect(answers[5].body.error).toBe('RATE_LIMITED');
    expect(Number(answers[5].headers['retry-after'])).toBeGreaterThan(0);
  });
});
