import { CertificateAuthority, KeyAndCertificate, validityFromNow } from '@app/pki/certificate-authority';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { RedisNonceStore } from './redis-nonce-store';
import { targetUriOf, verifySignedRequest } from './request-verification';
import { signResponse } from './response-signing';
import { SignatureRefusalError } from './signature-refusal';
import { SignedClient } from './signed-client';
import { certificateKey, messageSigningKey } from './signing-keys';

const LARGE_BODY_BYTES = 4 * 1024 * 1024;

const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test-local'}-signed-client-${randomBytes(3).toString('hex')}`;

/**
 * A stand-in for the broker: mutual TLS with the test CA, every request verified with the presented
 * certificate's key and the Redis nonce store, every answer signed with the server key, the verified facts
 * echoed back. `/unsigned` answers without a signature, `/forged` signs with a client's key,
 * `/closes-kept-alive` closes a connection on its second request without answering (as a server whose
 * idle timeout fires just as a kept-alive connection is reused).
 */
describe('SignedClient against a mutual-TLS server (real Redis)', () => {
  let ca: CertificateAuthority;
  let serverPair: KeyAndCertificate;
  let vendor: KeyAndCertificate;
  let redis: Redis;
  let server: Server;
  let base: string;
  const clients: SignedClient[] = [];

  beforeAll(async () => {
    ca = CertificateAuthority.create('Test CA');
    serverPair = ca.issueServerCertificate(['localhost', '127.0.0.1'], validityFromNow(30));
    vendor = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    // As the broker does at its start: a store whose memory began only at the first request would refuse
    // that request when its signing and its check fall in different seconds.
    const nonceStore = await RedisNonceStore.forBroker(redis, prefix);
    const brokerKey = messageSigningKey(serverPair.keyPem, serverPair.certificatePem);
    const forgingKey = messageSigningKey(vendor.keyPem, vendor.certificatePem);

    const requestsOnSocket = new WeakMap<object, number>();
    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const onSocket = (requestsOnSocket.get(req.socket) ?? 0) + 1;
      requestsOnSocket.set(req.socket, onSocket);
      if (req.url === '/closes-kept-alive' && onSocket > 1) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const url = targetUriOf(req.headers.host ?? '', req.url ?? '/');
      const outcome = await verifySignedRequest({
        method: req.method ?? '',
        url,
        headers: req.headers,
        body,
        certificate: certificateKey((req.socket as TLSSocket).getPeerCertificate().raw),
        maxAgeSeconds: 300,
        nonceStore,
      });
      const status = outcome.ok ? 200 : 401;
      if (req.url?.startsWith('/large')) {
        // A signed body in many chunks; `/large-altered` sends other bytes than it signed.
        const large = Buffer.alloc(LARGE_BODY_BYTES, 'a');
        const added = await signResponse(
          { status, headers: {}, body: large },
          { method: 'GET', url, headers: req.headers },
          brokerKey,
        );
        if (req.url === '/large-altered') large[LARGE_BODY_BYTES - 1] = 0x62;
        res.writeHead(status, added);
        for (let at = 0; at < large.length; at += 64 * 1024) res.write(large.subarray(at, at + 64 * 1024));
        res.end();
        return;
      }
      const payload = Buffer.from(
        JSON.stringify(
          outcome.ok ? outcome.verified : { error: outcome.refusal.code, message: outcome.refusal.message },
        ),
      );
      const headers = { 'content-type': 'application/json' };
      if (req.url === '/unsigned') {
        res.writeHead(status, headers).end(payload);
        return;
      }
      const added = await signResponse(
        { status, headers, body: payload },
        { method: req.method ?? '', url, headers: req.headers },
        req.url === '/forged' ? forgingKey : brokerKey,
      );
      res.writeHead(status, { ...headers, ...added }).end(payload);
    };

    server = createServer(
      {
        key: serverPair.keyPem,
        cert: serverPair.certificatePem,
        ca: ca.pair.certificatePem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => void handle(req, res).catch(() => res.writeHead(500).end()),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await new Promise((resolve) => server.close(resolve));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  function client(options: { verifyResponses?: boolean } = {}): SignedClient {
    const created = new SignedClient({
      certificatePem: vendor.certificatePem,
      keyPem: vendor.keyPem,
      caPem: ca.pair.certificatePem,
      brokerCertificatePem: options.verifyResponses === false ? undefined : serverPair.certificatePem,
    });
    clients.push(created);
    return created;
  }

  it('signs a GET, and verifies the signed answer', async () => {
    const signed = client();
    const response = await signed.request(`${base}/v1/echo?school=00YY00`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toMatchObject({
      keyId: signed.keyId,
      label: 'sig',
      coveredComponents: ['"@method"', '"@target-uri"'],
      digest: null,
    });
    expect(response.responseSignature).toMatchObject({
      keyId: certificateKey(serverPair.certificatePem).fingerprintSha256,
      coveredComponents: expect.arrayContaining(['"signature";req;key="sig"']),
    });
  });

  it('signs a POST body with its Content-Digest', async () => {
    const body = JSON.stringify({ sourceSchool: '00YY00' });
    const response = await client().request(`${base}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toMatchObject({
      coveredComponents: ['"@method"', '"@target-uri"', '"content-digest"', '"content-type"'],
      digest: [{ algorithm: 'sha-256' }],
    });
  });

  it('is refused when it replays a nonce, and distinct nonces pass', async () => {
    const signed = client();
    const nonce = randomBytes(16).toString('base64url');
    expect((await signed.request(`${base}/v1/echo`, { nonce })).status).toBe(200);
    const replay = await signed.request(`${base}/v1/echo`, { nonce });
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body.toString())).toMatchObject({ error: 'SIGNATURE_REPLAYED' });
    expect((await signed.request(`${base}/v1/echo`)).status).toBe(200);
  });

  it('throws when the answer is unsigned or not signed by the broker', async () => {
    await expect(client().request(`${base}/unsigned`)).rejects.toMatchObject({ code: 'SIGNATURE_MISSING' });
    await expect(client().request(`${base}/forged`)).rejects.toThrow(SignatureRefusalError);
    await expect(client().request(`${base}/forged`)).rejects.toMatchObject({
      code: 'SIGNATURE_KEY_MISMATCH',
    });
  });

  it('sends a request again, signed anew, when the server closed the kept-alive connection first', async () => {
    const signed = client();
    const first = await signed.request(`${base}/closes-kept-alive`);
    const second = await signed.request(`${base}/closes-kept-alive`);
    expect([first.status, second.status]).toEqual([200, 200]);
    const nonces = [first, second].map((answer) => JSON.parse(answer.body.toString()).nonce as string);
    expect(nonces[1]).not.toBe(nonces[0]);
  });

  it('does not send again a request whose nonce the caller chose', async () => {
    const signed = client();
    await signed.request(`${base}/closes-kept-alive`);
    await expect(
      signed.request(`${base}/closes-kept-alive`, { nonce: randomBytes(16).toString('base64url') }),
    ).rejects.toMatchObject({ name: 'ReusedConnectionClosedError' });
  });

  it('streams a large answer into a writable, checking the signature over what streamed by', async () => {
    let received = 0;
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        writes += 1;
        setImmediate(done);
      },
    });
    const answer = await client().requestToStream(`${base}/large`, sink);
    expect(answer).toMatchObject({ status: 200, errorBody: null });
    expect(answer.responseSignature?.digest).toEqual([{ algorithm: 'sha-256', value: expect.any(String) }]);
    expect(received).toBe(LARGE_BODY_BYTES);
    expect(writes).toBeGreaterThan(1);

    // Other bytes than the broker signed: written on, then refused once the end shows it.
    const discarded = new Writable({ write: (_chunk, _encoding, done) => done() });
    await expect(client().requestToStream(`${base}/large-altered`, discarded)).rejects.toMatchObject({
      code: 'CONTENT_DIGEST_MISMATCH',
    });
    await expect(client().requestToStream(`${base}/unsigned`, discarded)).rejects.toMatchObject({
      code: 'SIGNATURE_MISSING',
    });
  });

  it('without the broker certificate returns the answer unverified', async () => {
    const response = await client({ verifyResponses: false }).request(`${base}/unsigned`);
    expect(response).toMatchObject({ status: 200, responseSignature: null });
  });
});
