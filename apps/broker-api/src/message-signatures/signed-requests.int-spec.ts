import { SignedClient, messageSigningKey, signRequest } from '@app/http-signing';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import type { ClientCredentials } from '../../../../test/support/test-pki';

/**
 * RFC 9421 signatures on the real broker: every refusal with its own 401 code, the echo a vendor debugs
 * with, and the broker's signature on its answers. Real TLS, real keys of the test CA, real Redis.
 */
describe('signed requests and responses', () => {
  let exchange: Exchange<'vendor' | 'colleague'>;
  let broker: RunningBroker;
  let vendor: ClientCredentials;
  let colleague: ClientCredentials;
  let ca: Buffer;
  let brokerCertificate: Buffer;
  const url = (path: string) => `https://127.0.0.1:${broker.port}${path}`;

  beforeAll(async () => {
    // Two certificates of one vendor: a colleague's key is another key, though the vendor is the same.
    const acme = { id: 'acme-las', name: 'Acme LAS' };
    exchange = await startExchange({
      suite: 'signatures',
      schools: [],
      vendors: { vendor: acme, colleague: acme },
      env: { SIGNATURE_MAX_AGE_SECONDS: '120' },
    });
    ({ broker } = exchange);
    ({ vendor, colleague } = exchange.credentials);
    ca = exchange.pki.caCertificate;
    brokerCertificate = readFileSync(exchange.pki.pki.store.serverCertificateFile);
  });
  afterAll(() => exchange?.close());

  const client = (options: { clock?: () => Date; verifyResponses?: boolean } = {}) =>
    new SignedClient({
      certificatePem: vendor.cert,
      keyPem: vendor.key,
      caPem: ca,
      servername: 'localhost',
      clock: options.clock,
      brokerCertificatePem: options.verifyResponses === false ? undefined : brokerCertificate,
    });

  /** Sends exactly these headers and body over mutual TLS with `credentials`, for hand-made (bad) signatures. */
  function raw(
    path: string,
    method: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
    credentials: ClientCredentials = vendor,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        url(path),
        {
          method,
          headers,
          ca,
          cert: credentials.cert,
          key: credentials.key,
          servername: 'localhost',
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const signed = (path: string, method: string, body: Buffer | undefined, key = vendor, nonce?: string) =>
    signRequest(
      { method, url: url(path), body, headers: body ? { 'content-type': 'application/json' } : {} },
      { key: messageSigningKey(key.key, key.cert), nonce },
    );

  it('echoes what it verified: key, components, digest', async () => {
    const echo = client();
    try {
      const body = Buffer.from('{"hello":"broker"}');
      const response = await echo.request(url('/v1/echo'), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
      const answer = JSON.parse(response.body.toString('utf8'));
      expect(answer).toMatchObject({
        keyId: echo.keyId,
        coveredComponents: ['"@method"', '"@target-uri"', '"content-digest"', '"content-type"'],
        targetUri: url('/v1/echo'),
        bodyBytes: body.length,
      });
      expect(answer.contentDigest).toEqual([{ algorithm: 'sha-256', value: expect.any(String) }]);
      // The client verified the broker's signature on this answer, bound to this request.
      expect(response.responseSignature?.coveredComponents).toEqual(
        expect.arrayContaining(['"@status"', '"content-digest"', '"@method";req', '"@target-uri";req']),
      );
    } finally {
      echo.close();
    }
  });

  it('refuses an unsigned request', async () => {
    const response = await raw('/v1/whoami', 'GET', {}, undefined);
    expect([response.status, response.body.error]).toEqual([401, 'SIGNATURE_MISSING']);
  });

  it('refuses a replayed request, and accepts the same call signed anew', async () => {
    const first = await signed('/v1/whoami', 'GET', undefined);
    expect((await raw('/v1/whoami', 'GET', first.headers, undefined)).status).toBe(200);
    const replay = await raw('/v1/whoami', 'GET', first.headers, undefined);
    expect([replay.status, replay.body.error]).toEqual([401, 'SIGNATURE_REPLAYED']);
    const fresh = await signed('/v1/whoami', 'GET', undefined);
    expect((await raw('/v1/whoami', 'GET', fresh.headers, undefined)).status).toBe(200);
  });

  it('after Redis lost the nonces, refuses a request signed before (a replay cannot be told), and accepts one signed anew', async () => {
    const first = await signed('/v1/whoami', 'GET', undefined);
    expect((await raw('/v1/whoami', 'GET', first.headers, undefined)).status).toBe(200);
    // Redis restarted empty, as this broker sees it: its replay protection's keys are gone (only this
    // suite's prefix; the shared Redis is never flushed). Another signed before the loss, never sent yet,
    // cannot be told from a replay either.
    const unsent = await signed('/v1/whoami', 'GET', undefined);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`${process.env.REDIS_PREFIX ?? 'oso-test'}-signatures:http-signing:*`);
      expect(keys.length).toBeGreaterThan(1); // the memory's start and at least the first request's nonce
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    // Signatures count whole seconds: the loss is noticed in a later second than the ones signed before.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const before of [first, unsent]) {
      const answer = await raw('/v1/whoami', 'GET', before.headers, undefined);
      expect([answer.status, answer.body.error]).toEqual([401, 'SIGNATURE_EXPIRED']);
      expect(answer.body.message).toMatch(/before the broker's replay protection last started/);
    }
    const fresh = await signed('/v1/whoami', 'GET', undefined);
    expect((await raw('/v1/whoami', 'GET', fresh.headers, undefined)).status).toBe(200);
    const replayOfFresh = await raw('/v1/whoami', 'GET', fresh.headers, undefined);
    expect([replayOfFresh.status, replayOfFresh.body.error]).toEqual([401, 'SIGNATURE_REPLAYED']);
  });

  it('refuses a signature older than SIGNATURE_MAX_AGE_SECONDS', async () => {
    const old = client({ clock: () => new Date(Date.now() - 121_000), verifyResponses: false });
    try {
      const response = await old.request(url('/v1/whoami'));
      expect([response.status, JSON.parse(response.body.toString('utf8')).error]).toEqual([
        401,
        'SIGNATURE_EXPIRED',
      ]);
    } finally {
      old.close();
    }
  });

  it('refuses a request signed with another key than the presented certificate’s', async () => {
    const byColleague = await signed('/v1/whoami', 'GET', undefined, colleague);
    const response = await raw('/v1/whoami', 'GET', byColleague.headers, undefined, vendor);
    expect([response.status, response.body.error]).toEqual([401, 'SIGNATURE_KEY_MISMATCH']);
  });

  it('refuses a body changed after signing, and a signature over another method or path', async () => {
    const body = Buffer.from('{"a":1}');
    const headers = (await signed('/v1/echo', 'POST', body)).headers;
    const tampered = await raw('/v1/echo', 'POST', headers, Buffer.from('{"a":2}'));
    expect([tampered.status, tampered.body.error]).toEqual([401, 'CONTENT_DIGEST_MISMATCH']);
    const otherPath = (await signed('/v1/whoami', 'GET', undefined)).headers;
    const moved = await raw('/v1/transfers?role=target', 'GET', otherPath, undefined);
    expect([moved.status, moved.body.error]).toEqual([401, 'SIGNATURE_INVALID']);
  });

  it('refuses a body without a Content-Digest covered by the signature', async () => {
    const headers = (await signed('/v1/echo', 'POST', undefined)).headers;
    const response = await raw(
      '/v1/echo',
      'POST',
      { ...headers, 'content-type': 'application/json' },
      Buffer.from('{"sneaked":"in"}'),
    );
    expect([response.status, response.body.error]).toEqual([401, 'CONTENT_DIGEST_MISSING']);
  });

  it('signs its refusals too, so a client can tell they answer its own request', async () => {
    const checked = client();
    try {
      // The client throws SignatureRefusalError unless the broker's signature on the 404 verifies.
      const response = await checked.request(url('/v1/transfers/00000000-0000-4000-8000-000000000000'));
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body.toString('utf8')).error).toBe('TRANSFER_NOT_FOUND');
      expect(response.responseSignature?.keyId).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      checked.close();
    }
  });
});
