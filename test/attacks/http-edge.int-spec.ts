import { createContentDigest, messageSigningKey, signRequest } from '@app/http-signing';
import { request as httpsRequest } from 'node:https';
import { deflateSync, gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { HEADERS_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from '../../apps/broker-api/src/server-limits';
import type { RunningBroker } from '../support/broker-fixture';
import { Exchange, SOURCE_SCHOOL, TARGET_SCHOOL, startExchange } from '../support/exchange-fixture';
import { exchange, openTls, rawRequest } from '../support/raw-tls';
import { signedRequestBytes } from '../support/signed-raw';
import { ClientCredentials, TestPki } from '../support/test-pki';
import { VendorClient } from '../support/vendor-client';
import { POVO_DOSSIER_BYTES, POVO_PUPIL } from '../support/large-dossiers';

/**
 * Attacks on the HTTP edge (issue #8, defects 1 and 9, and the probes that held): no spelling of a path
 * reaches a signed route without a signature, bodies are judged by their bytes as sent, the request
 * line cannot name another host, and hostile clients (floods, slow loris) neither break the broker nor
 * keep another vendor waiting. Every refusal is checked for its status, its code, and that nothing was
 * stored.
 */
const POVO = POVO_DOSSIER_BYTES;
const PUPIL = POVO_PUPIL;
const TRANSFER_REQUEST = { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil: PUPIL, reason: 'overstap' };
/** The routes that need no signature: health, the API documentation and the auditor page (a browser cannot sign). */
const PUBLIC_ROUTE = /^GET (\/health|\/docs|\/docs-json|\/docs\/.*|\/audit|\/audit\/.*)$/;

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('attack: the HTTP edge', () => {
  // Not `exchange`: that name is raw-tls's request-and-answer helper here.
  let fixture: Exchange<'acme' | 'other'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let ca: Buffer;
  let acme: ClientCredentials;
  let acmeClient: VendorClient;
  let other: VendorClient;
  let transferId: string;

  const credentials = () => ({ ca, cert: acme.cert, key: acme.key });

  /** Unsigned, with the client certificate: the path is sent exactly as given. */
  function unsigned(method: string, path: string, body?: Buffer, contentType?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (body) headers['content-length'] = body.length;
      if (body && contentType) headers['content-type'] = contentType;
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: broker.port,
          servername: 'localhost',
          path,
          method,
          headers,
          agent: false,
          ...credentials(),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = {};
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Signed by acme, sent exactly as these bytes say, on a fresh connection. */
  const signedRaw = async (
    method: string,
    path: string,
    options: Parameters<typeof signedRequestBytes>[4] = {},
  ) =>
    rawRequest(
      broker.port,
      credentials(),
      await signedRequestBytes(broker.port, acme, method, path, options),
    );

  async function stored(): Promise<{ transfers: number; versions: number; history: number }> {
    const { rows } = await database.query<{ transfers: string; versions: string; history: string }>(
      `SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM dossier_versions) AS versions,
              (SELECT count(*) FROM transfer_history) AS history`,
    );
    return {
      transfers: Number(rows[0].transfers),
      versions: Number(rows[0].versions),
      history: Number(rows[0].history),
    };
  }

  /** Another vendor is served, promptly, while (or right after) an attack runs. */
  async function otherVendorServed(): Promise<number> {
    const started = Date.now();
    const response = await other.get('/v1/whoami');
    expect(response.status).toBe(200);
    return Date.now() - started;
  }

  beforeAll(async () => {
    fixture = await startExchange({
      suite: 'attack_http_edge',
      vendors: {
        acme: { id: 'acme-las', name: 'Acme LAS', sends: [SOURCE_SCHOOL], receives: [TARGET_SCHOOL] },
        other: { id: 'other-las', name: 'Other LAS' },
      },
      pinBrokerCertificate: true,
    });
    ({ pki, broker, database } = fixture);
    ca = pki.caCertificate;
    acme = fixture.credentials.acme;
    ({ acme: acmeClient, other } = fixture.clients);
    const created = await acmeClient.post('/v1/transfers', TRANSFER_REQUEST);
    expect(created.status).toBe(201);
    transferId = created.body.id as string;
  });

  afterAll(() => fixture?.close());

  describe('defect 1: no spelling of a signed route is served without a signature', () => {
    function registeredRoutes(): Array<{ method: string; path: string }> {
      const express = broker.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
      return express.router.stack
        .filter((layer): layer is Required<ExpressLayer> => layer.route !== undefined)
        .flatMap((layer) =>
          Object.keys(layer.route.methods)
            .filter((method) => method !== '_all')
            .map((method) => ({ method: method.toUpperCase(), path: layer.route.path })),
        );
    }

    /** Ways to write one path that a lenient router or a text-based check could take for it. */
    function spellings(path: string): string[] {
      const segments = path.split('/');
      const last = segments[segments.length - 1];
      const encodedFirstLetter = [
        ...segments.slice(0, -1),
        `%${last.charCodeAt(0).toString(16)}${last.slice(1)}`,
      ].join('/');
      return [
        path.toUpperCase(),
        path.replace(/^\/v1/, '/V1'),
        segments.map((segment) => segment.charAt(0).toUpperCase() + segment.slice(1)).join('/'),
        `${path}/`,
        encodedFirstLetter,
        path.replace(/^\/v1\//, '/v1//'),
        path.replace(/^\/v1\//, '/v1/./'),
        path.replace(/^\/v1\//, '/v1/%2e/'),
        `${path};x`,
        `/${path}`,
      ];
    }

    it('marks only health and the API docs public; every other route answers 401 SIGNATURE_MISSING unsigned', async () => {
      const routes = registeredRoutes();
      expect(routes).toEqual(
        expect.arrayContaining([
          { method: 'GET', path: '/v1/whoami' },
          { method: 'POST', path: '/v1/transfers' },
          { method: 'PUT', path: '/v1/transfers/:id/dossier' },
          { method: 'GET', path: '/health' },
        ]),
      );
      const before = await stored();
      for (const route of routes) {
        const path = route.path.replace(':id', transferId);
        const response = await unsigned(route.method, path);
        if (PUBLIC_ROUTE.test(`${route.method} ${route.path}`)) {
          // Swagger's asset routes may 404 for a file it does not ship; none asks for a signature.
          expect([route, response.status < 500, response.status === 401]).toEqual([route, true, false]);
        } else {
          expect([route, response.status, response.body.error]).toEqual([route, 401, 'SIGNATURE_MISSING']);
        }
      }
      expect(await stored()).toEqual(before);
    });

    it('answers every other spelling of every route with 404, or 401 SIGNATURE_MISSING, and stores nothing', async () => {
      const before = await stored();
      const answered = new Map<number, number>();
      const signedRoutes = registeredRoutes().filter(
        (route) => !PUBLIC_ROUTE.test(`${route.method} ${route.path}`),
      );
      expect(signedRoutes.length).toBeGreaterThanOrEqual(12);
      for (const route of signedRoutes) {
        const path = route.path.replace(':id', transferId);
        const body = route.path.includes('dossier')
          ? { bytes: POVO, type: 'application/xml' }
          : { bytes: Buffer.from(JSON.stringify(TRANSFER_REQUEST)), type: 'application/json' };
        const withBody = route.method === 'POST' || route.method === 'PUT';
        for (const spelling of spellings(path)) {
          const response = await unsigned(
            route.method,
            spelling,
            withBody ? body.bytes : undefined,
            withBody ? body.type : undefined,
          );
          const outcome = [response.status, response.body.error];
          const allowed = [
            [404, 'NOT_FOUND'],
            [401, 'SIGNATURE_MISSING'],
          ];
          expect([
            route.method,
            spelling,
            allowed.some((pair) => pair[0] === outcome[0] && pair[1] === outcome[1]),
          ]).toEqual([route.method, spelling, true]);
          answered.set(response.status, (answered.get(response.status) ?? 0) + 1);
        }
      }
      // The spellings were really tried: most are simply other paths.
      expect(answered.get(404) ?? 0).toBeGreaterThan(50);
      expect(await stored()).toEqual(before);
    });

    it('upper-case paths of the signed routes are not routes at all (case-sensitive, strict routing)', async () => {
      const signed = await acmeClient.get('/V1/whoami');
      expect([signed.status, signed.body.error]).toEqual([404, 'NOT_FOUND']);
      const trailing = await acmeClient.get('/v1/whoami/');
      expect([trailing.status, trailing.body.error]).toEqual([404, 'NOT_FOUND']);
      const health = await unsigned('GET', '/HEALTH');
      expect([health.status, health.body.error]).toEqual([404, 'NOT_FOUND']);
    });

    it('path traversal towards the public routes or from them is no way around signing', async () => {
      for (const path of [
        '/v1/../docs',
        '/v1/%2e%2e/docs',
        '/v1/..%2fdocs',
        '/docs/../v1/whoami',
        '/docs/%2e%2e/v1/whoami',
        '/health/../v1/whoami',
        '/docs/..%2f..%2fv1%2fwhoami',
        '/v1/whoami/..',
        '/v1/transfers/..%2f..%2fhealth',
      ]) {
        // Another path (404), or a signed route taking the rest as its id (401): never served unsigned.
        const response = await unsigned('GET', path);
        expect([
          path,
          (response.status === 404 && response.body.error === 'NOT_FOUND') ||
            (response.status === 401 && response.body.error === 'SIGNATURE_MISSING'),
        ]).toEqual([path, true]);
      }
    });
  });

  describe('the request line', () => {
    it('refuses an absolute-form target naming another host, signed or not', async () => {
      const foreign = await rawRequest(
        broker.port,
        credentials(),
        `GET https://evil.example/v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\nConnection: close\r\n\r\n`,
      );
      expect([foreign.status, foreign.body.error]).toEqual([400, 'REQUEST_TARGET_INVALID']);
      const plainHttp = await rawRequest(
        broker.port,
        credentials(),
        `GET http://127.0.0.1:${broker.port}/v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\nConnection: close\r\n\r\n`,
      );
      expect([plainHttp.status, plainHttp.body.error]).toEqual([400, 'REQUEST_TARGET_INVALID']);
      // Signed for the other host, the signature would verify: the target check comes first.
      const signedForEvil = await signedRequestBytes(broker.port, acme, 'GET', '/v1/whoami');
      const bent = Buffer.from(
        signedForEvil.toString('latin1').replace('GET /v1/whoami', 'GET https://evil.example/v1/whoami'),
        'latin1',
      );
      const refused = await rawRequest(broker.port, credentials(), bent);
      expect([refused.status, refused.body.error]).toEqual([400, 'REQUEST_TARGET_INVALID']);
    });

    it('lets an absolute-form target naming the broker itself through to the signature check', async () => {
      const own = await rawRequest(
        broker.port,
        credentials(),
        `GET https://127.0.0.1:${broker.port}/v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\nConnection: close\r\n\r\n`,
      );
      expect([own.status, own.body.error]).toEqual([401, 'SIGNATURE_MISSING']);
    });
  });

  describe('defect 9: bodies', () => {
    const json = Buffer.from(JSON.stringify({ hello: 'broker' }));

    it('checks Content-Digest over the bytes as sent, gzip or deflate, and hands the decoded body on', async () => {
      for (const [coding, encode] of [
        ['gzip', gzipSync],
        ['deflate', deflateSync],
      ] as const) {
        const sent = encode(json);
        const echo = await signedRaw('POST', '/v1/echo', {
          body: sent,
          headers: { 'content-type': 'application/json', 'content-encoding': coding },
        });
        expect([coding, echo.status]).toEqual([coding, 200]);
        expect(echo.body.bodyBytes).toBe(sent.length);
        expect(echo.body.contentDigest).toEqual([
          { algorithm: 'sha-256', value: createContentDigest(sent).slice('sha-256=:'.length, -1) },
        ]);
      }
      // A digest over the decompressed bytes is not the digest of what was sent.
      const sent = gzipSync(json);
      const overDecoded = await signedRaw('POST', '/v1/echo', {
        body: json,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        sentBody: sent,
      });
      expect([overDecoded.status, overDecoded.body.error]).toEqual([401, 'CONTENT_DIGEST_MISMATCH']);
      // The decoded JSON is what the handler reads: a gzipped transfer request is a transfer request.
      const lookup = await signedRaw('POST', '/v1/transfers/lookup', {
        body: gzipSync(Buffer.from(JSON.stringify({ sourceSchool: '00YY00', pupil: PUPIL }))),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(lookup.status).toBe(200);
    });

    it('refuses br and unknown codings with 415, and broken gzip with 400', async () => {
      const before = await stored();
      for (const coding of ['br', 'compress', 'gzip, br', 'x-gzip']) {
        const response = await signedRaw('POST', '/v1/transfers', {
          body: Buffer.from(JSON.stringify(TRANSFER_REQUEST)),
          headers: { 'content-type': 'application/json', 'content-encoding': coding },
        });
        expect([coding, response.status, response.body.error]).toEqual([
          coding,
          415,
          'REQUEST_BODY_ENCODING_UNSUPPORTED',
        ]);
      }
      const broken = await signedRaw('POST', '/v1/transfers', {
        body: Buffer.from('not gzip at all'),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect([broken.status, broken.body.error]).toEqual([400, 'REQUEST_BODY_NOT_DECODABLE']);
      expect(await stored()).toEqual(before);
    });

    it('ends a gzip bomb in 413 with bounded time and memory, while another vendor is served', async () => {
      const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }); // 256 MiB of zeros, ~250 KB
      const before = await stored();
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const [xml, jsonBomb, otherWaited] = await Promise.all([
        signedRaw('POST', '/v1/validate', {
          body: bomb,
          headers: { 'content-type': 'application/xml', 'content-encoding': 'gzip' },
        }),
        signedRaw('POST', '/v1/transfers', {
          body: bomb,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        }),
        otherVendorServed(),
      ]);
      expect([xml.status, xml.body.error]).toEqual([413, 'REQUEST_BODY_TOO_LARGE']);
      expect([jsonBomb.status, jsonBomb.body.error]).toEqual([413, 'REQUEST_BODY_TOO_LARGE']);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(otherWaited).toBeLessThan(10_000);
      // The broker runs in this process: decoding stopped at the 20 MB limit, not at 256 MiB.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
      expect(await stored()).toEqual(before);
    });

    it('refuses a body of another or no media type with 415, not as a digest mismatch', async () => {
      const before = await stored();
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        undefined,
      ]) {
        const response = await signedRaw('POST', '/v1/transfers', {
          body: Buffer.from(JSON.stringify(TRANSFER_REQUEST)),
          headers: contentType ? { 'content-type': contentType } : {},
        });
        expect([contentType, response.status, response.body.error]).toEqual([
          contentType,
          415,
          'REQUEST_CONTENT_TYPE_UNSUPPORTED',
        ]);
      }
      const dossierAsText = await signedRaw('PUT', `/v1/transfers/${transferId}/dossier`, {
        body: POVO,
        headers: { 'content-type': 'text/plain' },
      });
      expect([dossierAsText.status, dossierAsText.body.error]).toEqual([
        415,
        'REQUEST_CONTENT_TYPE_UNSUPPORTED',
      ]);
      expect(await stored()).toEqual(before);
    });

    it('requires a body’s Content-Type to be covered by the signature', async () => {
      const before = await stored();
      const body = Buffer.from(JSON.stringify(TRANSFER_REQUEST));
      // Signed without Content-Type, which is added afterwards: it could be anything.
      const signed = await signRequest(
        { method: 'POST', url: `https://127.0.0.1:${broker.port}/v1/transfers`, body },
        { key: messageSigningKey(acme.key, acme.cert) },
      );
      const response = await rawRequest(
        broker.port,
        credentials(),
        Buffer.concat([
          Buffer.from(
            [
              'POST /v1/transfers HTTP/1.1',
              `Host: 127.0.0.1:${broker.port}`,
              'Content-Type: application/json',
              `Content-Length: ${body.length}`,
              ...Object.entries(signed.headers).map(
                ([name, value]) => `${name}: ${[value].flat().join(', ')}`,
              ),
              'Connection: close',
              '',
              '',
            ].join('\r\n'),
          ),
          body,
        ]),
      );
      expect([response.status, response.body.error]).toEqual([401, 'SIGNATURE_COMPONENTS_MISSING']);
      expect(String(response.body.message)).toContain('content-type');
      expect(await stored()).toEqual(before);
    });

    it('answers SQL metacharacters and prototype keys with a clean 400, storing nothing', async () => {
      const before = await stored();
      const hostile: Array<[unknown, string]> = [
        [{ ...TRANSFER_REQUEST, targetSchool: "01XZ00'; DROP TABLE transfers; --" }, 'SCHOOL_CODE_INVALID'],
        [{ ...TRANSFER_REQUEST, sourceSchool: "00YY00' OR '1'='1" }, 'SCHOOL_CODE_INVALID'],
        [{ ...TRANSFER_REQUEST, pupil: { ...PUPIL, bsn: '1 OR 1=1' } }, 'PUPIL_KEY_INVALID'],
      ];
      for (const [body, code] of hostile) {
        const response = await acmeClient.post('/v1/transfers', body);
        expect([response.status, response.body.error]).toEqual([400, code]);
      }
      for (const text of [
        `{"__proto__":{"polluted":true},${JSON.stringify(TRANSFER_REQUEST).slice(1)}`,
        `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify(TRANSFER_REQUEST).slice(1)}`,
        `{"targetSchool":"01XZ00","sourceSchool":"00YY00","reason":"overstap","pupil":{"__proto__":{"bsn":"${PUPIL.bsn}"},"geboortedatum":"${PUPIL.geboortedatum}"}}`,
      ]) {
        const response = await acmeClient.send('POST', '/v1/transfers', Buffer.from(text), {
          contentType: 'application/json',
        });
        expect([text, response.status, response.body.error]).toEqual([text, 400, 'REQUEST_INVALID']);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      for (const query of [
        "role=source'%20OR%20'1'='1",
        'role=source&__proto__[polluted]=1',
        'role=source&constructor[prototype][polluted]=1',
        'role=source&limit=1;DROP%20TABLE%20transfers',
        'role[]=source&role[]=target',
      ]) {
        const response = await acmeClient.get(`/v1/transfers?${query}`);
        expect([query, response.status, response.body.error]).toEqual([query, 400, 'REQUEST_INVALID']);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await stored()).toEqual(before);
    });
  });

  it('answers hostile paths and queries of the rendering routes with a clean 400, recording nothing', async () => {
    const logged = async () =>
      Number(
        (await database.query<{ n: string }>('SELECT count(*) AS n FROM exchange_log_entries')).rows[0].n,
      );
    const before = { stored: await stored(), logged: await logged() };
    const hash = 'a'.repeat(64);
    const hostile = [
      `/v1/dossiers/${hash.slice(1)}'%20OR%20'1'='1/rendering?format=html`,
      `/v1/dossiers/${'g'.repeat(64)}/rendering?format=html`,
      `/v1/dossiers/${'a'.repeat(4096)}/rendering?format=html`,
      `/v1/dossiers/${hash}/rendering?format=html&form=for-verzorger&verzorger=1e9`,
      `/v1/dossiers/${hash}/rendering?format=html&form=for-verzorger&verzorger=-1`,
      `/v1/dossiers/${hash}/rendering?format=html&form=for-verzorger&verzorger=99999999999999999999`,
      `/v1/dossiers/${hash}/rendering?format=html&verzorger=1`,
      `/v1/dossiers/${hash}/rendering?format=html&format=pdf`,
      `/v1/dossiers/${hash}/rendering?format=svg`,
      `/v1/dossiers/${hash}/rendering?format=html&__proto__[polluted]=1`,
      `/v1/dossiers/${hash}/attachments/0`,
      `/v1/dossiers/${hash}/attachments/0x1`,
      `/v1/dossiers/${hash}/attachments/1;DROP%20TABLE%20dossier_versions`,
      `/v1/transfers/${transferId}/dossier/rendering?format=html&form=everything`,
      `/v1/transfers/${transferId}/dossier/attachments/${'9'.repeat(400)}`,
    ];
    for (const path of hostile) {
      const started = Date.now();
      const response = await acmeClient.get(path);
      expect([path, response.status, response.body.error]).toEqual([path, 400, 'REQUEST_INVALID']);
      // Bounded: refused before any version is read, let alone rendered (a guard, not a benchmark).
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect({ stored: await stored(), logged: await logged() }).toEqual(before);
    await otherVendorServed();
  });

  describe('held defences', () => {
    it('refuses a replayed signed request', async () => {
      const bytes = await signedRequestBytes(broker.port, acme, 'POST', '/v1/transfers/lookup', {
        body: Buffer.from(JSON.stringify({ sourceSchool: '00YY00', pupil: PUPIL })),
        headers: { 'content-type': 'application/json' },
      });
      expect((await rawRequest(broker.port, credentials(), bytes)).status).toBe(200);
      const replay = await rawRequest(broker.port, credentials(), bytes);
      expect([replay.status, replay.body.error]).toEqual([401, 'SIGNATURE_REPLAYED']);
    });

    it('refuses signatures created far in the past or the future (clock skew)', async () => {
      for (const skew of [-3_600_000, -301_000, 61_000 + 30_000, 86_400_000]) {
        const response = await signedRaw('GET', '/v1/whoami', { now: new Date(Date.now() + skew) });
        expect([skew, response.status, response.body.error]).toEqual([skew, 401, 'SIGNATURE_EXPIRED']);
      }
    });

    it('accepts a transfer id in capitals for its owner, and only for its owner', async () => {
      const upper = transferId.toUpperCase();
      const owner = await acmeClient.get(`/v1/transfers/${upper}`);
      expect([owner.status, owner.body.id]).toEqual([200, transferId]);
      const stranger = await other.get(`/v1/transfers/${upper}`);
      expect([stranger.status, stranger.body.error]).toEqual([404, 'TRANSFER_NOT_FOUND']);
    });
  });

  describe('hostile connections', () => {
    it('answers header floods with 431 and keeps serving another vendor', async () => {
      const head = `GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\n`;
      const many = Array.from({ length: 4000 }, (_, index) => `X-Flood-${index}: x`).join('\r\n');
      const huge = `X-Huge: ${'a'.repeat(64 * 1024)}`;
      for (const [what, headers] of [
        ['many headers', many],
        ['one huge header', huge],
      ] as const) {
        const started = Date.now();
        const response = await rawRequest(broker.port, credentials(), `${head}${headers}\r\n\r\n`).catch(
          (error: Error) => ({ status: 0, body: { closed: error.message } }),
        );
        // 431 with its code, then closed; a reset before the answer is read is a refusal too.
        expect([what, [0, 431].includes(response.status)]).toEqual([what, true]);
        if (response.status === 431)
          expect(response.body).toMatchObject({ error: 'REQUEST_HEADERS_TOO_LARGE' });
        expect(Date.now() - started).toBeLessThan(5_000);
        await otherVendorServed();
      }
    });

    it('answers a request that is not HTTP/1.1 with 400 REQUEST_MALFORMED, as JSON', async () => {
      const smuggled =
        `POST /v1/echo HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\nContent-Length: 4\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
      for (const request of [smuggled, 'GET /v1/whoami HTTP/1.1\r\nHost\r\n\r\n']) {
        const response = await rawRequest(broker.port, credentials(), request);
        expect([response.status, response.body.error]).toEqual([400, 'REQUEST_MALFORMED']);
      }
      await otherVendorServed();
    });

    it('cuts a slow-loris client and a silent one, and serves another vendor meanwhile', async () => {
      const slow = await openTls(broker.port, credentials());
      const silent = await openTls(broker.port, credentials());
      const started = Date.now();
      const closed = (socket: typeof slow) =>
        new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
      const slowClosed = closed(slow);
      const silentClosed = closed(silent);
      slow.on('error', () => undefined);
      silent.on('error', () => undefined);
      slow.write(`GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\n`);
      const drip = setInterval(() => {
        if (!slow.destroyed) slow.write('X-Slow: 1\r\n');
      }, 500);
      try {
        const waits: number[] = [];
        for (let index = 0; index < 3; index += 1) {
          waits.push(await otherVendorServed());
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        expect(Math.max(...waits)).toBeLessThan(3_000);
        const limit = HEADERS_TIMEOUT_MS + TIMEOUT_CHECK_INTERVAL_MS + 5_000;
        const [slowAfter, silentAfter] = await Promise.all([slowClosed, silentClosed]);
        expect(slowAfter).toBeLessThan(limit);
        expect(silentAfter).toBeLessThan(limit);
      } finally {
        clearInterval(drip);
        slow.destroy();
        silent.destroy();
      }
      await otherVendorServed();
    }, 40_000);

    it('sets the server’s timeouts and header limit', () => {
      const server = broker.app.getHttpServer() as {
        headersTimeout: number;
        requestTimeout: number;
        maxHeaderSize?: number;
      };
      expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      expect(server.requestTimeout).toBeGreaterThan(HEADERS_TIMEOUT_MS);
    });
  });

  it('keeps the connection usable across several requests (kept-alive), signed each time', async () => {
    const socket = await openTls(broker.port, credentials());
    try {
      for (let index = 0; index < 3; index += 1) {
        const answer = await exchange(
          socket,
          await signedRequestBytes(broker.port, acme, 'GET', '/v1/whoami'),
        );
        expect(answer.status).toBe(200);
      }
    } finally {
      socket.destroy();
    }
  });
});
