import { CertificateAuthority, KeyAndCertificate, validityFromNow } from '@app/pki/certificate-authority';
import { MessageHeaders } from './message-headers';
import { signRequest } from './request-signing';
import { AnsweredRequest, responseComponents, signResponse } from './response-signing';
import { SignedResponseToVerify, verifySignedResponse } from './response-verification';
import { SignatureRefusalCode } from './signature-refusal';
import { MessageSigningKey, certificateKey, messageSigningKey } from './signing-keys';

const NOW = new Date('2026-03-01T10:00:00Z');
const BODY = Buffer.from('{"status":"RELEASED"}');

let brokerKey: MessageSigningKey;
let broker: KeyAndCertificate;
let clientKey: MessageSigningKey;

beforeAll(() => {
  const ca = CertificateAuthority.create('Test CA');
  broker = ca.issueServerCertificate(['localhost', '127.0.0.1'], validityFromNow(30));
  brokerKey = messageSigningKey(broker.keyPem, broker.certificatePem);
  const client = ca.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
  clientKey = messageSigningKey(client.keyPem, client.certificatePem);
});

/** A signed client request and the broker's signed answer to it. */
async function exchange(): Promise<{ request: AnsweredRequest; status: number; headers: MessageHeaders }> {
  const signed = await signRequest(
    { method: 'GET', url: 'https://localhost:8443/v1/transfers/42' },
    { key: clientKey, now: NOW },
  );
  const request: AnsweredRequest = { method: 'GET', url: signed.url, headers: signed.headers };
  const added = await signResponse(
    { status: 200, headers: { 'content-type': 'application/json' }, body: BODY },
    request,
    brokerKey,
    NOW,
  );
  return { request, status: 200, headers: { 'content-type': 'application/json', ...added } };
}

function verify(response: Omit<SignedResponseToVerify, 'broker' | 'now'> & Partial<SignedResponseToVerify>) {
  return verifySignedResponse({
    broker: certificateKey(broker.certificatePem),
    now: NOW,
    requestSignatureLabel: 'sig',
    ...response,
  });
}

async function expectRefused(outcome: ReturnType<typeof verify>, code: SignatureRefusalCode): Promise<void> {
  expect(await outcome).toMatchObject({ ok: false, refusal: { code } });
}

describe('broker response signatures', () => {
  it("covers status, body digest and the request's method, URI and signature", async () => {
    const { request, status, headers } = await exchange();
    const outcome = await verify({ status, headers, body: BODY, request });
    expect(outcome).toMatchObject({
      ok: true,
      verified: {
        keyId: brokerKey.keyId,
        coveredComponents: [
          '"@status"',
          '"content-digest"',
          '"@method";req',
          '"@target-uri";req',
          '"signature";req;key="sig"',
        ],
        nonce: undefined,
      },
    });
  });

  it('covers the response headers asked for when present, so changing one breaks the signature', async () => {
    const { request } = await exchange();
    const sign = (headers: MessageHeaders) =>
      signResponse(
        { status: 201, headers, body: BODY, coveredHeaders: ['x-log-entry'] },
        request,
        brokerKey,
        NOW,
      );
    const named = { 'content-type': 'application/json', 'x-log-entry': '41, 42' };
    const headers = { ...named, ...(await sign(named)) };
    const outcome = await verify({ status: 201, headers, body: BODY, request });
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.verified.coveredComponents).toContain('"x-log-entry"');
    const changed = { ...headers, 'x-log-entry': '41' };
    await expectRefused(verify({ status: 201, headers: changed, body: BODY, request }), 'SIGNATURE_INVALID');
    // Absent from the answer, it is not covered (and its absence is not a refusal).
    const plain = { 'content-type': 'application/json' };
    const without = await verify({
      status: 201,
      headers: { ...plain, ...(await sign(plain)) },
      body: BODY,
      request,
    });
    expect(without.ok && without.verified.coveredComponents).not.toContain('"x-log-entry"');
  });

  it('refuses a changed status (SIGNATURE_INVALID) and a changed body (CONTENT_DIGEST_MISMATCH)', async () => {
    const { request, headers } = await exchange();
    await expectRefused(verify({ status: 201, headers, body: BODY, request }), 'SIGNATURE_INVALID');
    await expectRefused(
      verify({ status: 200, headers, body: Buffer.from('{"status":"WAIT"}'), request }),
      'CONTENT_DIGEST_MISMATCH',
    );
  });

  it('refuses a genuine response passed off as the answer to another request', async () => {
    const { request, status, headers } = await exchange();
    const other = await exchange(); // same method and URI, another nonce and signature
    await expectRefused(verify({ status, headers, body: BODY, request: other.request }), 'SIGNATURE_INVALID');
    const otherUri = { ...request, url: 'https://localhost:8443/v1/transfers/43' };
    await expectRefused(verify({ status, headers, body: BODY, request: otherUri }), 'SIGNATURE_INVALID');
  });

  it('refuses a response signed by any key other than the broker certificate', async () => {
    const { request } = await exchange();
    const forged = await signResponse({ status: 200, headers: {}, body: BODY }, request, clientKey, NOW);
    await expectRefused(
      verify({ status: 200, headers: forged, body: BODY, request }),
      'SIGNATURE_KEY_MISMATCH',
    );
  });

  it('refuses an unsigned response, and a response that does not cover the request signature', async () => {
    const { request } = await exchange();
    await expectRefused(verify({ status: 200, headers: {}, body: BODY, request }), 'SIGNATURE_MISSING');
    const unbound = await signResponse(
      { status: 200, headers: {}, body: BODY },
      { ...request, headers: { ...request.headers, signature: undefined, 'signature-input': undefined } },
      brokerKey,
      NOW,
    );
    await expectRefused(
      verify({ status: 200, headers: unbound, body: BODY, request }),
      'SIGNATURE_COMPONENTS_MISSING',
    );
  });

  it('refuses an old response', async () => {
    const { request, status, headers } = await exchange();
    const later = new Date(NOW.getTime() + 301_000);
    await expectRefused(verify({ status, headers, body: BODY, request, now: later }), 'SIGNATURE_EXPIRED');
  });

  it('signs an answer to an unsigned request, bound to its method and URI only', async () => {
    const request: AnsweredRequest = { method: 'GET', url: 'https://localhost:8443/v1/whoami', headers: {} };
    const headers = await signResponse({ status: 401, headers: {}, body: BODY }, request, brokerKey, NOW);
    const unsigned = { requestSignatureLabel: undefined };
    expect(await verify({ status: 401, headers, body: BODY, request, ...unsigned })).toMatchObject({
      ok: true,
    });
    await expectRefused(
      verify({ status: 401, headers, body: BODY, request: { ...request, method: 'POST' }, ...unsigned }),
      'SIGNATURE_INVALID',
    );
  });
});

describe('responseComponents', () => {
  it('binds every signature the request carries, verified or not, and nothing when it has none', () => {
    expect(responseComponents({})).toEqual([
      '"@status"',
      '"content-digest"',
      '"@method";req',
      '"@target-uri";req',
    ]);
    expect(responseComponents({ signature: 'sig=:AAAA:, proxy=:BBBB:' }).slice(4)).toEqual([
      '"signature";req;key="sig"',
      '"signature";req;key="proxy"',
    ]);
    expect(responseComponents({ signature: 'not a dictionary' })).toHaveLength(4);
    expect(responseComponents({ signature: 'sig=:AAAA:, junk, list=(1 2)' })).toHaveLength(5);
  });

  it('still answers a request whose Signature header is garbage', async () => {
    for (const signature of ['sig', 'sig=(1 2)', 'sig=:AAAA:, junk', '"quoted"']) {
      const request: AnsweredRequest = {
        method: 'GET',
        url: 'https://localhost:8443/',
        headers: { signature },
      };
      await expect(
        signResponse({ status: 401, headers: {}, body: BODY }, request, brokerKey, NOW),
      ).resolves.toHaveProperty('signature');
    }
  });
});
