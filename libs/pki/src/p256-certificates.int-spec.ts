import { SignedClient, algorithmForKey } from '@app/http-signing';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { crlListing } from './crl';
import { readFileSync } from 'node:fs';
import { Exchange, TWO_VENDORS, startExchange } from '../../../test/support/exchange-fixture';
import { POVO_DOSSIER_BYTES } from '../../../test/support/large-dossiers';
import { ClientCredentials } from '../../../test/support/test-pki';

/**
 * P-256 keys end to end (#13): the development CA issues them, and a vendor holding one completes mutual
 * TLS, signs with ecdsa-p256-sha256, stages the POVO dossier and is refused once revoked; the broker,
 * given a P-256 server key, signs its answers with it and the repository's SignedClient verifies them.
 * Real PostgreSQL, Redis, TLS and XML.
 */
describe('P-256 certificates on the real broker', () => {
  let exchange: Exchange;
  let vendor: ClientCredentials;
  const clients: SignedClient[] = [];

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'pki_p256',
      vendors: TWO_VENDORS,
      beforeBroker: ({ pki }) => {
        // Before the broker starts: it reads its server key once, at start.
        pki.pki.reissueServerCertificate('p256');
        return Promise.resolve();
      },
    });
    const issued = await exchange.pki.pki.issue({ kind: 'vendor', vendorId: 'po-las' }, undefined, {
      keyType: 'p256',
    });
    vendor = {
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
      // Pinned: every answer's signature is checked against the broker's (P-256) certificate.
      brokerCertificatePem: readFileSync(exchange.pki.pki.store.serverCertificateFile),
    });
    clients.push(signed);
    return signed;
  }
  const url = (path: string) => `https://127.0.0.1:${exchange.broker.port}${path}`;

  it('issues the vendor a P-256 key in a certificate of the RSA CA, with the extensions of an RSA one', async () => {
    const p256 = new X509Certificate(vendor.cert);
    const rsa = new X509Certificate(exchange.credentials.po.cert);
    const ca = new X509Certificate(exchange.pki.caCertificate);
    expect(p256.publicKey.asymmetricKeyType).toBe('ec');
    expect(p256.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(rsa.publicKey.asymmetricKeyType).toBe('rsa');
    expect(p256.verify(ca.publicKey)).toBe(true);
    expect(p256.checkIssued(ca)).toBe(true);
    expect(p256.checkPrivateKey(createPrivateKey(vendor.key))).toBe(true);
    expect(p256.subject).toBe(rsa.subject);
    expect(p256.issuer).toBe(rsa.issuer);
    expect(p256.ca).toBe(false);
    expect(p256.keyUsage).toEqual(rsa.keyUsage); // extended key usage: clientAuth
    expect(p256.serialNumber).not.toBe(rsa.serialNumber);
    const bound = await exchange.pki.registry.findCertificate(
      p256.fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    expect(bound).toMatchObject({ vendorId: 'po-las', serial: vendor.serial });
  });

  it('gives the broker a P-256 server key that signs with ecdsa-p256-sha256', () => {
    const store = exchange.pki.pki.store;
    const server = new X509Certificate(readFileSync(store.serverCertificateFile));
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(algorithmForKey(createPrivateKey(readFileSync(store.serverKeyFile)))).toBe('ecdsa-p256-sha256');
  });

  it('lets a P-256 vendor sign whoami and stage a dossier, and verifies the P-256 signed answers', async () => {
    const p256 = client(vendor);
    const whoami = await p256.request(url('/v1/whoami'), { method: 'GET' });
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body.toString('utf8'))).toMatchObject({
      kind: 'vendor',
      id: 'po-las',
      certificate: { serial: vendor.serial },
    });
    // SignedClient throws on an answer whose signature does not verify with the pinned certificate.
    expect(whoami.responseSignature?.algorithm).toBe('ecdsa-p256-sha256');
    // What the broker verified of the request's signature.
    const echo = await p256.request(url('/v1/echo'), { method: 'POST' });
    expect(echo.status).toBe(200);
    expect(JSON.parse(echo.body.toString('utf8'))).toMatchObject({
      algorithm: 'ecdsa-p256-sha256',
      keyId: p256.keyId,
    });
    const staged = await p256.request(url('/v1/dossiers'), {
      method: 'POST',
      body: POVO_DOSSIER_BYTES,
      headers: { 'content-type': 'application/xml' },
    });
    expect(staged.status).toBe(201);
  });

  it('verifies answers for an RSA vendor too: the broker key, not the client key, decides', async () => {
    const rsa = client(exchange.credentials.po);
    const whoami = await rsa.request(url('/v1/whoami'), { method: 'GET' });
    expect(whoami.status).toBe(200);
    expect(whoami.responseSignature?.algorithm).toBe('ecdsa-p256-sha256');
    const echo = await rsa.request(url('/v1/echo'), { method: 'POST' });
    expect(JSON.parse(echo.body.toString('utf8'))).toMatchObject({ algorithm: 'rsa-pss-sha512' });
  });

  it('refuses the P-256 certificate from the request after its revocation (registry and CRL)', async () => {
    const before = client(vendor);
    expect((await before.request(url('/v1/whoami'), { method: 'GET' })).status).toBe(200);
    expect(await exchange.pki.pki.revoke(vendor.serial as string, 'keyCompromise')).toEqual({
      crlPublished: true,
    });
    const crl = readFileSync(exchange.pki.pki.store.crlFile, 'utf8');
    expect(crlListing(crl).serials.has(vendor.serial as string)).toBe(true);
    const after = await before.request(url('/v1/whoami'), { method: 'GET' });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body.toString('utf8'))).toMatchObject({ error: 'CLIENT_CERTIFICATE_REVOKED' });
  });
});
