import { CertificateAuthority, validityFromNow } from '@app/pki/certificate-authority';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RedisNonceStore } from './redis-nonce-store';
import { signRequest } from './request-signing';
import { verifySignedRequest } from './request-verification';
import { certificateKey, messageSigningKey } from './signing-keys';

/** This run's prefix (test/global-setup.ts), plus a suffix of our own: the teardown removes it all. */
const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test-local'}-nonces-${randomBytes(3).toString('hex')}`;
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('RedisNonceStore (real Redis)', () => {
  let redis: Redis;
  let store: RedisNonceStore;

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    // Its memory begins before the first signature, as a broker's does at its start (forBroker).
    store = new RedisNonceStore(redis, prefix);
    await store.beginMemory();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('accepts a nonce once per key id, and keeps it for the window', async () => {
    expect(await store.remember(KEY_A, 'nonce-0000000000000001', 310, nowSeconds())).toBe('new');
    expect(await store.remember(KEY_A, 'nonce-0000000000000001', 310, nowSeconds())).toBe('replayed');
    expect(await store.remember(KEY_A, 'nonce-0000000000000002', 310, nowSeconds())).toBe('new');
    expect(await store.remember(KEY_B, 'nonce-0000000000000001', 310, nowSeconds())).toBe('new');
    const ttl = await redis.ttl(store.nonceKey(KEY_A, 'nonce-0000000000000001'));
    expect(ttl).toBeGreaterThan(300);
    expect(ttl).toBeLessThanOrEqual(310);
  });

  it('lets exactly one of many concurrent copies through', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => store.remember(KEY_A, 'nonce-raced-000000000001', 60, nowSeconds())),
    );
    expect(answers.filter((answer) => answer === 'new')).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'replayed')).toHaveLength(19);
  });

  it('forgets a nonce when its window has passed', async () => {
    expect(await store.remember(KEY_A, 'nonce-short-00000000001', 1, nowSeconds())).toBe('new');
    expect(await store.remember(KEY_A, 'nonce-short-00000000001', 1, nowSeconds())).toBe('replayed');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.remember(KEY_A, 'nonce-short-00000000001', 1, nowSeconds())).toBe('new');
  });

  it('after Redis lost its data, refuses signatures created before its memory began again, and keeps a begun memory', async () => {
    const clock = { now: Date.now() };
    const lossy = new RedisNonceStore(redis, `${prefix}-lossy`, () => clock.now);
    await lossy.beginMemory();
    const began = await redis.get(lossy.memoryKey);
    expect(Number(began)).toBe(Math.floor(clock.now / 1000));
    const signedAt = Math.floor(clock.now / 1000);
    expect(await lossy.remember(KEY_A, 'nonce-before-loss-00001', 310, signedAt)).toBe('new');
    // A restarted broker on a Redis that kept its data: the memory still begins where it began.
    clock.now += 60_000;
    await lossy.beginMemory();
    expect(await redis.get(lossy.memoryKey)).toBe(began);

    // Redis restarted empty (only this store's keys are removed: the shared Redis is never flushed).
    const keys = await redis.keys(`${prefix}-lossy:*`);
    expect(keys).toContain(lossy.memoryKey);
    await redis.del(...keys);
    // The same request replayed, and another signed before the loss: neither can be told from a first use.
    expect(await lossy.remember(KEY_A, 'nonce-before-loss-00001', 310, signedAt)).toBe('before-memory');
    expect(await lossy.remember(KEY_B, 'nonce-before-loss-00002', 310, signedAt + 59)).toBe('before-memory');
    // Signed anew, now: accepted, and remembered as usual.
    const nowSigned = Math.floor(clock.now / 1000);
    expect(await lossy.remember(KEY_A, 'nonce-after-loss-000001', 310, nowSigned)).toBe('new');
    expect(await lossy.remember(KEY_A, 'nonce-after-loss-000001', 310, nowSigned)).toBe('replayed');
  });

  it('makes verifySignedRequest refuse a replay within the window and pass distinct nonces', async () => {
    const ca = CertificateAuthority.create('Test CA');
    const pair = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
    const key = messageSigningKey(pair.keyPem, pair.certificatePem);
    const now = new Date();
    const body = Buffer.from('{"hello":"world"}');
    const sign = () =>
      signRequest(
        {
          method: 'POST',
          url: 'https://localhost:8443/v1/echo',
          headers: { 'content-type': 'application/json' },
          body,
        },
        { key, now },
      );
    const verify = (signed: Awaited<ReturnType<typeof sign>>, at: Date) =>
      verifySignedRequest({
        method: 'POST',
        url: signed.url,
        headers: signed.headers,
        body,
        certificate: certificateKey(pair.certificatePem),
        now: at,
        maxAgeSeconds: 300,
        nonceStore: store,
      });

    const first = await sign();
    expect((await verify(first, now)).ok).toBe(true);
    // The same request again, four minutes later: still inside the window, so Redis still knows it.
    const replay = await verify(first, new Date(now.getTime() + 240_000));
    expect(replay).toMatchObject({ ok: false, refusal: { code: 'SIGNATURE_REPLAYED' } });
    expect((await verify(await sign(), now)).ok).toBe(true);
    expect((await verify(await sign(), now)).ok).toBe(true);
    expect(await redis.exists(store.nonceKey(key.keyId, first.nonce))).toBe(1);
  });
});
