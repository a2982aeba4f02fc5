import { SignedClient, SignatureAlgorithm, algorithmForKey } from '@app/http-signing';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { crlListing } from './crl';
import { readFileSync } from 'node:fs';
import { Exchange, TWO_VENDORS, startExchange } from '../../../test/support/exchange-fixture';
import { POVO_DOSSIER_BYTES } from '../../../test/support/large-dossiers';
import { ClientCredentials } from '../../../test/support/test-pki';
import { LeafKeyType } from './leaf-key-type';

const ALGORITHM: Record<LeafKeyType, SignatureAlgorithm> = {
  p256: 'ecdsa-p256-sha256',
  'rsa-2048': 'rsa-pss-sha512',
};
const OTHER: Record<LeafKeyType, LeafKeyType> = { p256: 'rsa-2048', 'rsa-2048': 'p256' };

/**
 * Both leaf key types end to end on the real broker (#13), once with the default server key (P-256) and
 * once with an RSA-2048 server key (a PKI made before the default changed): a vendor of either key type
 * completes mutual TLS and signs its requests with its key's algorithm; the broker signs every answer
 * with its own key's algorithm, which the repository's SignedClient verifies against the pinned
 * certificate; the vendor whose key matches the server's stages the POVO dossier and is refused once
 * revoked. Real PostgreSQL, Redis, TLS and XML.
 */
describe.each<[string, LeafKeyType]>([
  ['the default (P-256)', 'p256'],
  ['RSA-2048', 'rsa-2048'],
])('leaf keys on the real broker, server key %s', (_title, serverKeyType) => {
  let exchange: Exchange;
  /** By key type: the default certificate of `po-las` and one of the other key type, issued on request. */
  const vendors = {} as Record<LeafKeyType, ClientCredentials>;
  const clients: SignedClient[] = [];

  beforeAll(async () => {
    exchange = await startExchange({
      suite: `pki_keys_${serverKeyType.replace('-', '_')}`,
      vendors: TWO_VENDORS,
      beforeBroker: ({ pki }) => {
        // Before the broker starts: it reads its server key once, at start. The default needs nothing.
        if (serverKeyType !== 'p256') pki.pki.reissueServerCertificate(serverKeyType);
        return Promise.resolve();
      },
    });
    vendors.p256 = exchange.credentials.po;
    const issued = await exchange.pki.pki.issue({ kind: 'vendor', vendorId: 'po-las' }, undefined, {
      keyType: 'rsa-2048',
    });
    vendors['rsa-2048'] = {
      cert: readFileSync(issued.certificateFile),
      key: readFileSync(issued.keyFile),
      serial: issued.serial,
    };
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await exchange?.close();
  });

  function client(credentials: ClientCredentials): SignedClient {
    const signed = new SignedClient({
      certificatePem: credentials.cert,
      keyPem: credentials.key,
      caPem: exchange.pki.caCertificate,
      servername: 'localhost',
      // Pinned: every answer's signature is checked against the broker's certificate.
      brokerCertificatePem: readFileSync(exchange.pki.pki.store.serverCertificateFile),
    });
    clients.push(signed);
    return signed;
  }
  const url = (path: string) => `https://127.0.0.1:${exchange.broker.port}${path}`;

  it('issues P-256 by default and RSA-2048 on request, both from the RSA CA with the same extensions', async () => {
    const p256 = new X509Certificate(vendors.p256.cert);
    const rsa = new X509Certificate(vendors['rsa-2048'].cert);
    const ca = new X509Certificate(exchange.pki.caCertificate);
    expect(p256.publicKey.asymmetricKeyType).toBe('ec');
    expect(p256.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(rsa.publicKey.asymmetricKeyType).toBe('rsa');
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    for (const [certificate, key] of [
      [p256, vendors.p256.key],
      [rsa, vendors['rsa-2048'].key],
    ] as const) {
      expect(certificate.verify(ca.publicKey)).toBe(true);
      expect(certificate.checkIssued(ca)).toBe(true);
      expect(certificate.checkPrivateKey(createPrivateKey(key))).toBe(true);
      expect(certificate.ca).toBe(false);
      const bound = await exchange.pki.registry.findCertificate(
        certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
      );
      expect(bound).toMatchObject({ vendorId: 'po-las' });
    }
    expect(p256.subject).toBe(rsa.subject);
    expect(p256.issuer).toBe(rsa.issuer);
    expect(p256.keyUsage).toEqual(rsa.keyUsage); // extended key usage: clientAuth
    expect(p256.serialNumber).not.toBe(rsa.serialNumber);
  });

  it(`gives the broker a ${serverKeyType} server key that signs with ${ALGORITHM[serverKeyType]}`, () => {
    const store = exchange.pki.pki.store;
    const server = new X509Certificate(readFileSync(store.serverCertificateFile));
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(algorithmForKey(createPrivateKey(readFileSync(store.serverKeyFile)))).toBe(
      ALGORITHM[serverKeyType],
    );
  });

  it(`lets the ${serverKeyType} vendor sign whoami and stage a dossier, and verifies the signed answers`, async () => {
    const vendor = client(vendors[serverKeyType]);
    const whoami = await vendor.request(url('/v1/whoami'), { method: 'GET' });
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body.toString('utf8'))).toMatchObject({
      kind: 'vendor',
      id: 'po-las',
      certificate: { serial: vendors[serverKeyType].serial },
    });
    // SignedClient throws on an answer whose signature does not verify with the pinned certificate.
    expect(whoami.responseSignature?.algorithm).toBe(ALGORITHM[serverKeyType]);
    // What the broker verified of the request's signature.
    const echo = await vendor.request(url('/v1/echo'), { method: 'POST' });
    expect(echo.status).toBe(200);
    expect(JSON.parse(echo.body.toString('utf8'))).toMatchObject({
      algorithm: ALGORITHM[serverKeyType],
      keyId: vendor.keyId,
    });
    const staged = await vendor.request(url('/v1/dossiers'), {
      method: 'POST',
      body: POVO_DOSSIER_BYTES,
      headers: { 'content-type': 'application/xml' },
    });
    expect(staged.status).toBe(201);
    expect(staged.responseSignature?.algorithm).toBe(ALGORITHM[serverKeyType]);
  });

  it(`serves the ${OTHER[serverKeyType]} vendor too: the broker key, not the client key, decides the answer's`, async () => {
    const other = OTHER[serverKeyType];
    const vendor = client(vendors[other]);
    const whoami = await vendor.request(url('/v1/whoami'), { method: 'GET' });
    expect(whoami.status).toBe(200);
    expect(whoami.responseSignature?.algorithm).toBe(ALGORITHM[serverKeyType]);
    const echo = await vendor.request(url('/v1/echo'), { method: 'POST' });
    expect(JSON.parse(echo.body.toString('utf8'))).toMatchObject({ algorithm: ALGORITHM[other] });
  });

  it(`refuses the ${serverKeyType} certificate from the request after its revocation (registry and CRL)`, async () => {
    const revoked = vendors[serverKeyType];
    const before = client(revoked);
    expect((await before.request(url('/v1/whoami'), { method: 'GET' })).status).toBe(200);
    expect(await exchange.pki.pki.revoke(revoked.serial as string, 'keyCompromise')).toEqual({
      crlPublished: true,
    });
    const crl = readFileSync(exchange.pki.pki.store.crlFile, 'utf8');
    expect(crlListing(crl).serials.has(revoked.serial as string)).toBe(true);
    const after = await before.request(url('/v1/whoami'), { method: 'GET' });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body.toString('utf8'))).toMatchObject({ error: 'CLIENT_CERTIFICATE_REVOKED' });
  });
});
