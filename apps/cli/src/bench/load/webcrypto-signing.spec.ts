import { InMemoryNonceStore, certificateKey, verifySignedRequest } from '@app/http-signing';
import { CertificateAuthority, validityFromNow } from '@app/pki/certificate-authority';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { newSink, setSink } from './k6-shim/sink';
import { compileScenario, loadVu } from './scenario-loader';

/**
 * The scenarios sign with WebCrypto (load-tests/lib/signing.ts), as k6 would; the broker's own verifier
 * (libs/http-signing) must accept what they sign, and refuse it once a signed part is changed.
 */
describe('the k6 scenarios’ WebCrypto signatures', () => {
  const ca = CertificateAuthority.create('Test CA');
  const vendor = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
  const url = 'https://acme-las.oso-bench.localhost:8443/v1/dossiers?x=1';
  const body = Buffer.from('<dossier>één</dossier>', 'utf8');
  type Signing = {
    signingIdentity(cert: string, key: string): Promise<unknown>;
    signRequest(identity: unknown, request: Record<string, unknown>): Promise<Record<string, string>>;
  };
  let signing: Signing;

  beforeAll(() => {
    setSink(newSink(1));
    const compiled = compileScenario(
      join(__dirname, '..', '..', '..', '..', '..', 'load-tests', 'lib', 'signing.ts'),
    );
    signing = loadVu(compiled, { id: 1, iteration: 0, scenario: 'test' }, {}).exports as unknown as Signing;
  });
  afterAll(() => setSink(null));

  const verify = (method: string, headers: Record<string, string>, sent: Buffer | undefined, target = url) =>
    verifySignedRequest({
      method,
      url: target,
      headers,
      body: sent,
      certificate: certificateKey(vendor.certificatePem),
      maxAgeSeconds: 300,
      nonceStore: new InMemoryNonceStore(),
    });

  it.each([
    ['a PKCS#1 key (as our CA issues it)', vendor.keyPem],
    ['a PKCS#8 key', createPrivateKey(vendor.keyPem).export({ type: 'pkcs8', format: 'pem' }).toString()],
  ])('a POST with a body, signed with %s, verifies', async (_what, keyPem) => {
    const identity = await signing.signingIdentity(vendor.certificatePem, keyPem);
    const arrayBuffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    const headers = await signing.signRequest(identity, {
      method: 'POST',
      url,
      body: arrayBuffer,
      contentType: 'application/xml',
    });
    const outcome = await verify('POST', { ...headers, 'content-type': 'application/xml' }, body);
    expect(outcome).toMatchObject({ ok: true, verified: { keyId: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(headers['signature-input']).toMatch(/alg="rsa-pss-sha512"/);
  });

  it('a GET verifies; a changed body, target or content type does not', async () => {
    const identity = await signing.signingIdentity(vendor.certificatePem, vendor.keyPem);
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
