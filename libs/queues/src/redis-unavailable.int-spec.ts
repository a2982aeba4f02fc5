import { Redis } from 'ioredis';
import { PrivateRedis } from '../../../test/support/private-redis';
import { isRedisUnavailable } from './redis-unavailable';

/** ioredis reconnects on its own; without an offline queue a command must wait until it has. */
async function connected(client: Redis): Promise<void> {
  for (const deadline = Date.now() + 10_000; client.status !== 'ready';) {
    if (Date.now() > deadline) throw new Error(`ioredis did not connect (status ${client.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The errors real ioredis gives, told apart: Redis is away (an outage), or it refused a command. */
describe('telling a Redis outage from other Redis errors', () => {
  let redis: PrivateRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // As the broker's plain client (nonces): no offline queue, one retry.
    client = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    client.on('error', () => undefined);
    await connected(client);
    expect(await client.ping()).toBe('PONG');
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('no outage: a command Redis refuses, or a plain bug', async () => {
    const refused = await client.call('NO_SUCH_COMMAND').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(isRedisUnavailable(refused)).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailable("Stream isn't writeable and enableOfflineQueue options is false")).toBe(false);
  });

  it('an outage: the server is gone (killed), and while it restarts empty', async () => {
    const blocked = client.blpop('faults:never', 5).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.kill();
    expect(isRedisUnavailable(await blocked)).toBe(true);
    const offline = await client.set('faults:key', '1').catch((error: unknown) => error);
    expect(isRedisUnavailable(offline)).toBe(true);
    await redis.startAgain();
    for (const deadline = Date.now() + 10_000; client.status !== 'ready' && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Back, and empty: what the broker finds after a Redis restart without persistence.
    expect(await client.get('faults:key')).toBeNull();
    expect(await client.dbsize()).toBe(0);
  });
});
