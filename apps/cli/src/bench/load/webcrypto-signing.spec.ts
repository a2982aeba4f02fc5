import { InMemoryNonceStore, certificateKey, verifySignedRequest } from '@app/http-signing';
import { CertificateAuthority, validityFromNow } from '@app/pki/certificate-authority';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { newSink, setSink } from './k6-shim/sink';
import { compileScenario, loadVu } from './scenario-loader';

/**
 * The scenarios sign with WebCrypto (load-tests/lib/signing.ts), as k6 would; the broker's own verifier
 * (libs/http-signing) must accept what they sign, and refuse it once a signed part is changed.
 */
describe('the k6 scenarios’ WebCrypto signatures', () => {
  const ca = CertificateAuthority.create('Test CA');
  // One certificate per key type, each signing with the algorithm the broker derives from its key.
  const p256 = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
  const rsa = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30), 'rsa-2048');
  const url = 'https://acme-las.oso-bench.localhost:8443/v1/dossiers?x=1';
  const body = Buffer.from('<dossier>één</dossier>', 'utf8');
  type Signing = {
    signingIdentity(cert: string, key: string): Promise<unknown>;
    signRequest(identity: unknown, request: Record<string, unknown>): Promise<Record<string, string>>;
  };
  let signing: Signing;
  const asPkcs8 = (keyPem: string) =>
    createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const asSec1 = (keyPem: string) =>
    createPrivateKey(keyPem).export({ type: 'sec1', format: 'pem' }).toString();
  const asPkcs1 = (keyPem: string) =>
    createPrivateKey(keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();

  beforeAll(() => {
    setSink(newSink(1));
    const compiled = compileScenario(
      join(__dirname, '..', '..', '..', '..', '..', 'load-tests', 'lib', 'signing.ts'),
    );
    signing = loadVu(compiled, { id: 1, iteration: 0, scenario: 'test' }, {}).exports as unknown as Signing;
  });
  afterAll(() => setSink(null));

  const verifyWith = (
    method: string,
    headers: Record<string, string>,
    sent: Buffer | undefined,
    target = url,
    certificatePem = p256.certificatePem,
  ) =>
    verifySignedRequest({
      method,
      url: target,
      headers,
      body: sent,
      certificate: certificateKey(certificatePem),
      maxAgeSeconds: 300,
      nonceStore: new InMemoryNonceStore(),
    });

  it.each([
    ['a P-256 PKCS#8 key (as our CA issues P-256, the default)', p256, p256.keyPem, 'ecdsa-p256-sha256'],
    ['a P-256 SEC1 key (EC PRIVATE KEY)', p256, asSec1(p256.keyPem), 'ecdsa-p256-sha256'],
    ['an RSA PKCS#1 key (as our CA issues rsa-2048)', rsa, asPkcs1(rsa.keyPem), 'rsa-pss-sha512'],
    ['an RSA PKCS#8 key', rsa, asPkcs8(rsa.keyPem), 'rsa-pss-sha512'],
  ])('a POST with a body, signed with %s, verifies', async (_what, pair, keyPem, algorithm) => {
    const identity = await signing.signingIdentity(pair.certificatePem, keyPem);
    const arrayBuffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    const headers = await signing.signRequest(identity, {
      method: 'POST',
      url,
      body: arrayBuffer,
      contentType: 'application/xml',
    });
    const outcome = await verifyWith(
      'POST',
      { ...headers, 'content-type': 'application/xml' },
      body,
      url,
      pair.certificatePem,
    );
    expect(outcome).toMatchObject({
      ok: true,
      verified: { algorithm, keyId: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(headers['signature-input']).toContain(`alg="${algorithm}"`);
  });

  it('issues the keys the cases above name', () => {
    expect(p256.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(rsa.keyPem).toContain('-----BEGIN RSA PRIVATE KEY-----');
  });

  it.each([
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['an Ed25519 key', generateKeyPairSync('ed25519').privateKey],
  ])('refuses %s, which it cannot sign with, by name', async (_what, key) => {
    const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(signing.signingIdentity(p256.certificatePem, pkcs8)).rejects.toThrow(
      /neither RSA nor EC P-256/,
    );
    if (key.asymmetricKeyType === 'ec') {
      const sec1 = key.export({ type: 'sec1', format: 'pem' }).toString();
      await expect(signing.signingIdentity(p256.certificatePem, sec1)).rejects.toThrow(/not on P-256/);
    }
  });

  it.each([
    ['P-256', p256],
    ['RSA', rsa],
  ])('%s: a GET verifies; a changed body, target or content type does not', async (_what, pair) => {
    const identity = await signing.signingIdentity(pair.certificatePem, pair.keyPem);
    const verify = (
      method: string,
      headers: Record<string, string>,
      sent: Buffer | undefined,
      target = url,
    ) => verifyWith(method, headers, sent, target, pair.certificatePem);
    const get = await signing.signRequest(identity, { method: 'GET', url });
    expect(await verify('GET', get, undefined)).toMatchObject({ ok: true });

    const arrayBuffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    const post = await signing.signRequest(identity, {
      method: 'POST',
      url,
      body: arrayBuffer,
      contentType: 'application/xml',
    });
    const withType = { ...post, 'content-type': 'application/xml' };
    expect(await verify('POST', withType, Buffer.from('<dossier>een</dossier>'))).toMatchObject({
      ok: false,
      refusal: { code: 'CONTENT_DIGEST_MISMATCH' },
    });
    expect(await verify('POST', withType, body, url.replace('x=1', 'x=2'))).toMatchObject({
      ok: false,
      refusal: { code: 'SIGNATURE_INVALID' },
    });
    expect(await verify('POST', { ...post, 'content-type': 'text/xml' }, body)).toMatchObject({
      ok: false,
      refusal: { code: 'SIGNATURE_INVALID' },
    });
  });
});
