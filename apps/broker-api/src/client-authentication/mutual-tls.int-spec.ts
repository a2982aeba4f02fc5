import { createCrl } from '@app/pki';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { HealthService } from '../health/health.service';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { httpsJson } from '../../../../test/support/https-client';
import { ClientCredentials, TestPki, foreignClient } from '../../../../test/support/test-pki';

/** Real TLS handshakes against the real broker wiring, with certificates from a real (test) CA. */
describe('mutual TLS on broker-api', () => {
  let exchange: Exchange<'acme' | 'other' | 'inspectie'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let ca: Buffer;
  let vendor: ClientCredentials;

  const get = (path: string, client?: ClientCredentials) =>
    httpsJson(broker.port, path, { ca, cert: client?.cert, key: client?.key });

  /** The broker reloads the CRL from disk on its own; wait for it instead of sleeping a fixed time. */
  async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'mtls',
      schools: [
        { code: '12AB00', name: 'De Linde', sector: 'PO' },
        { code: '12AB01', name: 'De Linde, dependance', sector: 'PO' },
        { code: '34CD00', name: 'Het College', sector: 'VO' },
        { code: '56EF00', name: 'Oud mandaat', sector: 'PO' },
      ],
      vendors: {
        acme: { id: 'acme-las', name: 'Acme LAS', serves: ['12AB01', '12AB00', '56EF00'] },
        other: { id: 'other-las', name: 'Other LAS', serves: ['34CD00'] },
      },
      auditors: { inspectie: { name: 'inspectie', supervisory: true } },
      beforeBroker: async ({ pki }) => {
        await pki.registry.revokeMandate({ schoolCode: '56EF00', vendorId: 'acme-las' });
      },
    });
    ({ pki, broker } = exchange);
    ca = pki.caCertificate;
    vendor = exchange.credentials.acme;
  });

  afterAll(() => exchange?.close());

  it('gives a registered vendor its identity, certificate and currently mandated schools', async () => {
    const response = await get('/v1/whoami', vendor);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'vendor',
      id: 'acme-las',
      name: 'Acme LAS',
      certificate: { serial: vendor.serial },
    });
    const schools = (response.body.mandatedSchools as Array<{ school: string }>).map((entry) => entry.school);
    // Sorted; the revoked mandate (56EF00) and the other vendor's school (34CD00) are absent.
    expect(schools).toEqual(['12AB00', '12AB01']);
    const certificate = response.body.certificate as { fingerprintSha256: string; notAfter: string };
    expect(certificate.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(certificate.notAfter).getTime()).toBeGreaterThan(Date.now());
  });

  it('identifies an auditor as an auditor, acting for no school', async () => {
    const auditor = await pki.issueBound({ kind: 'auditor', auditorName: 'inspectie' });
    const response = await get('/v1/whoami', auditor);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'auditor', id: 'inspectie', mandatedSchools: [] });
  });

  it('refuses a client without a certificate', async () => {
    const response = await get('/v1/whoami');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_MISSING');
    expect(response.body.message).toMatch(/--cert/);
    // Signed by the broker like every answer, so a client can tell the refusal is the broker's.
    expect(response.headers['signature-input']).toMatch(/"content-digest"/);
    expect(response.headers.signature).toMatch(/^\w+=:/);
  });

  it('refuses a certificate from a foreign CA, even one naming a registered vendor', async () => {
    const response = await get('/v1/whoami', foreignClient('acme-las'));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_UNTRUSTED');
  });

  it('refuses an expired certificate', async () => {
    const expired = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' }, TestPki.expired());
    const response = await get('/v1/whoami', expired);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_EXPIRED');
    expect(response.body.message).toMatch(/expired on \d{4}-\d{2}-\d{2}/);
  });

  it('refuses a certificate that is not valid yet', async () => {
    const early = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' }, TestPki.notYetValid());
    const response = await get('/v1/whoami', early);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_NOT_YET_VALID');
  });

  it('refuses a certificate from our CA that is bound to no registry entry', async () => {
    const response = await get('/v1/whoami', pki.issueUnbound('acme-las'));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_NOT_REGISTERED');
  });

  it('refuses a certificate from the moment `oso pki revoke` revokes it, without a restart', async () => {
    const doomed = await pki.issueBound({ kind: 'vendor', vendorId: 'other-las' });
    expect((await get('/v1/whoami', doomed)).status).toBe(200);
    expect(await pki.pki.revoke(doomed.serial as string, 'keyCompromise')).toEqual({ crlPublished: true });
    const response = await get('/v1/whoami', doomed);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
  });

  it('refuses a certificate listed on the CRL even when the registry has not marked it (the TLS check)', async () => {
    const listed = await pki.issueBound({ kind: 'vendor', vendorId: 'other-las' });
    expect((await get('/v1/whoami', listed)).status).toBe(200);
    // A CRL published by the CA outside this broker's registry, as an external CA would.
    const caPair = pki.pki.store.readCa();
    const crl = await createCrl({
      caCertificatePem: caPair.certificatePem,
      caKeyPem: caPair.keyPem,
      revoked: [{ serial: listed.serial as string, revokedAt: new Date(), reason: 'superseded' }],
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 30 * 86_400_000),
    });
    writeFileSync(pki.pki.store.crlFile, crl);
    const response = await eventually(
      () => get('/v1/whoami', listed),
      (answer) => answer.status === 401,
    );
    expect(response.body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
    expect((await pki.registry.findCertificate(certificateFingerprint(listed)))?.revokedAt).toBeNull();
    // Other clients are unaffected by the reload.
    expect((await get('/v1/whoami', vendor)).status).toBe(200);
  });

  it('locks everyone out with a distinct code while the CRL has expired, and lets them in once it is fresh', async () => {
    const caPair = pki.pki.store.readCa();
    const day = 86_400_000;
    writeFileSync(
      pki.pki.store.crlFile,
      await createCrl({
        caCertificatePem: caPair.certificatePem,
        caKeyPem: caPair.keyPem,
        revoked: [],
        thisUpdate: new Date(Date.now() - 40 * day),
        nextUpdate: new Date(Date.now() - 10 * day),
      }),
    );
    const locked = await eventually(
      () => get('/v1/whoami', vendor),
      (answer) => answer.status === 503,
    );
    // The broker's problem, not the client's: a 5xx a client retries and monitoring counts.
    expect([locked.status, locked.body.error]).toEqual([503, 'REVOCATION_STATUS_UNAVAILABLE']);
    expect(locked.body.message).toMatch(/broker operator/);
    // Operators see why on the health report.
    expect(await broker.app.get(HealthService).check()).toMatchObject({
      status: 'down',
      crl: { status: 'expired' },
    });

    await pki.pki.publishCrl();
    const back = await eventually(
      () => get('/v1/whoami', vendor),
      (answer) => answer.status === 200,
    );
    expect(back.status).toBe(200);
  });

  it('asks for a certificate before revealing whether a path exists', async () => {
    const anonymous = await get('/v1/does-not-exist');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('CLIENT_CERTIFICATE_MISSING');
    const known = await get('/v1/does-not-exist', vendor);
    expect(known.status).toBe(404);
    expect(known.body).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
  });

  it('refuses an unauthenticated socket on every registered route', async () => {
    const routes = registeredRoutes(broker);
    // Guard against an enumeration that silently finds nothing.
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/v1/whoami' },
        { method: 'GET', path: '/health' },
      ]),
    );
    const foreign = foreignClient('acme-las');
    for (const route of routes) {
      for (const client of [undefined, foreign]) {
        const response = await httpsJson(broker.port, route.path, {
          ca,
          cert: client?.cert,
          key: client?.key,
          method: route.method,
        });
        expect({ route, status: response.status }).toEqual({ route, status: 401 });
        expect(response.body.error).toMatch(/^CLIENT_CERTIFICATE_(MISSING|UNTRUSTED)$/);
      }
    }
  });

  it('reports database, Redis, worker and CRL status to an authenticated client', async () => {
    const response = await get('/health', vendor);
    // No release worker runs in this suite: serving, but degraded.
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'degraded',
      database: { status: 'up' },
      redis: { status: 'up' },
      releaseWorker: { status: 'unknown' },
      crl: { status: 'fresh' },
    });
  });
});

function certificateFingerprint(client: ClientCredentials): string {
  return new X509Certificate(client.cert).fingerprint256.replace(/:/g, '').toLowerCase();
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route Express knows, read from its router (Express 5 exposes it as `app.router`). */
function registeredRoutes(broker: RunningBroker): Array<{ method: string; path: string }> {
  const express = broker.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack
    .filter((layer): layer is Required<ExpressLayer> => layer.route !== undefined)
    .flatMap((layer) =>
      Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => ({ method: method.toUpperCase(), path: layer.route.path })),
    );
}
