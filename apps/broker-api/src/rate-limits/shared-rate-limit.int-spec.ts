import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { httpsJson } from '../../../../test/support/https-client';
import { TcpProxy } from '../../../../test/support/tcp-proxy';
import { VendorClient } from '../../../../test/support/vendor-client';
import { REDIS_URL } from '../../../../test/test-run';
import { rateLimitKeyPrefix } from './vendor-rate-limit.module';

const LIMIT = 4;
const VENDOR_ID = 'budget-shared-las';

/**
 * Two broker-api instances (two Nest apps in this process, each with its own Redis connections, as two
 * processes would have) on one database and one Redis prefix: a vendor's budget is one budget, wherever
 * its requests land.
 */
describe('the rate limit is shared by every broker-api instance (Redis)', () => {
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-shared-rate-${randomUUID().slice(0, 8)}`;
  let exchange: Exchange<'vendor' | 'other'>;
  let second: RunningBroker;
  let redis: Redis;
  const clients: VendorClient[] = [];
  const clientOf = (broker: RunningBroker, name: 'vendor' | 'other') => {
    const client = new VendorClient(broker.port, exchange.credentials[name], exchange.pki.caCertificate);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const env = { API_RATE_LIMIT_PER_MINUTE: String(LIMIT), REDIS_PREFIX: prefix };
    exchange = await startExchange({
      suite: 'shared_rate_limit',
      schools: [],
      vendors: { vendor: { id: VENDOR_ID }, other: { id: 'budget-other-las' } },
      env,
    });
    second = await startBroker({ DATABASE_URL: exchange.databaseUrl, PKI_DIR: exchange.pki.dir, ...env });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await second?.close();
    await exchange?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('counts one budget across both instances: N answers in all, the next on the other instance is 429', async () => {
    const instances = [clientOf(exchange.broker, 'vendor'), clientOf(second, 'vendor')];
    const answers = [];
    for (let index = 0; index < LIMIT; index++) answers.push(await instances[index % 2].get('/v1/whoami'));
    expect(answers.map((answer) => [answer.status, answer.headers['x-ratelimit-remaining']])).toEqual([
      [200, '3'],
      [200, '2'],
      [200, '1'],
      [200, '0'],
    ]);
    // The budget was spent half on each instance; either refuses the next request now.
    const refusedByFirst = await instances[0].get('/v1/whoami');
    const refusedBySecond = await instances[1].get('/v1/whoami');
    for (const refused of [refusedByFirst, refusedBySecond]) {
      expect([refused.status, refused.body.error]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another vendor's budget is its own.
    expect((await clientOf(second, 'other').get('/v1/whoami')).status).toBe(200);
  });

  it('keeps its counters under the broker’s prefix, with no organisation or person readable in a key', async () => {
    const keys = await redis.keys(`${rateLimitKeyPrefix(prefix)}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^.+:rate-limit:\{[0-9a-f]{64}:default\}:(hits|blocked)$/);
      expect(key).not.toContain(VENDOR_ID);
      expect(key).not.toContain('vendor:');
    }
  });

  describe('with Redis unreachable', () => {
    let unreachable: RunningBroker;
    let redisProxy: TcpProxy;

    beforeAll(async () => {
      // A broker starts only with Redis reachable (its restore check reads Redis first); then Redis goes
      // away behind a proxy this test controls — the shared Redis is never touched.
      redisProxy = await TcpProxy.forUrl(REDIS_URL);
      unreachable = await startBroker({
        DATABASE_URL: exchange.databaseUrl,
        PKI_DIR: exchange.pki.dir,
        REDIS_URL: redisProxy.through(REDIS_URL),
        REDIS_PREFIX: prefix,
        API_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      });
      redisProxy.cut();
      redisProxy.refuse();
    });
    afterAll(async () => {
      redisProxy?.resume();
      await unreachable?.close();
      await redisProxy?.close();
    });

    it('serves no signed request uncounted: it fails as the nonce check would, never 200', async () => {
      const answer = await clientOf(unreachable, 'other').get('/v1/whoami');
      expect([answer.status, answer.body.error]).toEqual([503, 'REDIS_UNAVAILABLE']);
    });

    it('still answers health (a public route needs no Redis), which says Redis is down', async () => {
      const health = await httpsJson(unreachable.port, '/health', {
        ca: exchange.pki.caCertificate,
        cert: exchange.credentials.other.cert,
        key: exchange.credentials.other.key,
      });
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'down', redis: { status: 'down' } });
    });
  });
});
