import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { HEADERS_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from '../server-limits';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../../../../test/support/dossier-pupil';
import { POVO_EXAMPLE } from '../../../../test/support/large-dossiers';
import { expectBsnNotEchoed } from '../../../../test/support/pupil-echo';
import { RawAnswer, exchange, openTls, rawRequest } from '../../../../test/support/raw-tls';
import { signedRequestBytes } from '../../../../test/support/signed-raw';
import { Exchange, schoolPair, startExchange } from '../../../../test/support/exchange-fixture';
import { ClientCredentials, TestPki } from '../../../../test/support/test-pki';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * What the API guide promises about request bodies, on the real broker: `text/xml` dossiers, gzip
 * dossiers whose Content-Digest covers the bytes as sent, refused codings and charsets, a body that ends
 * before its Content-Length, and headers that never finish.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const BSNS = validBsns(10, 31_000_000);
const pupil = (bsn: string) => ({ bsn, geboortedatum: '2014-05-01' });

describe('request bodies as documented', () => {
  // Not `exchange`: that name is raw-tls's request-and-answer helper here.
  let fixture: Exchange<'po' | 'vo'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let sender: ClientCredentials;
  let po: VendorClient;
  let vo: VendorClient;

  beforeAll(async () => {
    fixture = await startExchange({ suite: 'bodies', ...schoolPair(SOURCE, TARGET) });
    ({ pki, broker, database } = fixture);
    ({ po, vo } = fixture.clients);
    sender = fixture.credentials.po;
  });

  afterAll(() => fixture?.close());

  const tls = () => ({ ca: pki.caCertificate, cert: sender.cert, key: sender.key });
  const versionCount = async () =>
    Number((await database.query<{ count: string }>('SELECT count(*) FROM dossier_versions')).rows[0].count);
  const requestFor = async (bsn: string) => {
    const answer = await vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: pupil(bsn),
    });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  };

  it('accepts a dossier sent as text/xml, with or without charset=utf-8, as application/xml', async () => {
    const dossier = dossierForPupil(POVO_EXAMPLE, pupil(BSNS[0]));
    const verdict = await po.send('POST', '/v1/validate', dossier, { contentType: 'text/xml' });
    expect([verdict.status, verdict.body.valid, verdict.body.profile]).toEqual([200, true, 'POVO']);
    expectBsnNotEchoed(verdict.sent, verdict.raw);
    const id = await requestFor(BSNS[0]);
    const staged = await po.send('PUT', `/v1/transfers/${id}/dossier`, dossier, {
      contentType: 'text/xml; charset=utf-8',
    });
    expect(staged.status).toBe(201);
    expect(staged.body).toMatchObject({ transfers: [id], version: { version: 1, profile: 'POVO' } });
  });

  it('stages a gzip dossier: the digest covers the compressed bytes, the version is the XML inside', async () => {
    const dossier = dossierForPupil(POVO_EXAMPLE, pupil(BSNS[1]));
    const id = await requestFor(BSNS[1]);
    const sent = gzipSync(dossier);
    const staged = await po.send('PUT', `/v1/transfers/${id}/dossier`, sent, {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(staged.status).toBe(201);
    const sha256 = createHash('sha256').update(dossier).digest('hex');
    expect(staged.body.version).toMatchObject({
      version: 1,
      contentSha256: sha256,
      byteLength: dossier.length,
    });
    // A digest over the decompressed XML is not the digest of what was sent.
    const before = await versionCount();
    const overDecoded = await rawRequest(
      broker.port,
      tls(),
      await signedRequestBytes(broker.port, sender, 'PUT', `/v1/transfers/${id}/dossier`, {
        body: dossier,
        sentBody: sent,
        headers: { 'content-type': 'application/xml', 'content-encoding': 'gzip' },
      }),
    );
    expect([overDecoded.status, overDecoded.body.error]).toEqual([401, 'CONTENT_DIGEST_MISMATCH']);
    expect(await versionCount()).toBe(before);
  });

  it('refuses other content codings and charsets with 415 REQUEST_BODY_ENCODING_UNSUPPORTED, storing nothing', async () => {
    const dossier = dossierForPupil(POVO_EXAMPLE, pupil(BSNS[2]));
    const before = await versionCount();
    for (const [headers, contentType] of [
      [{ 'content-encoding': 'br' }, 'application/xml'],
      [{ 'content-encoding': 'compress' }, 'text/xml'],
      [{}, 'application/xml; charset=iso-8859-1'],
      [{}, 'text/xml; charset=utf-16'],
    ] as Array<[Record<string, string>, string]>) {
      const answer = await po.send('POST', '/v1/dossiers', dossier, { contentType, headers });
      expect([contentType, headers, answer.status, answer.body.error]).toEqual([
        contentType,
        headers,
        415,
        'REQUEST_BODY_ENCODING_UNSUPPORTED',
      ]);
      expectBsnNotEchoed(answer.sent, answer.raw);
    }
    const json = await vo.send('POST', '/v1/transfers', Buffer.from('{}'), {
      contentType: 'application/json; charset=iso-8859-1',
    });
    expect([json.status, json.body.error]).toEqual([415, 'REQUEST_BODY_ENCODING_UNSUPPORTED']);
    expect(await versionCount()).toBe(before);
  });

  it('answers 400 REQUEST_BODY_INCOMPLETE when the client stops before its Content-Length', async () => {
    const dossier = dossierForPupil(POVO_EXAMPLE, pupil(BSNS[3]));
    const before = await versionCount();
    const request = await signedRequestBytes(broker.port, sender, 'POST', '/v1/dossiers', {
      body: dossier,
      headers: { 'content-type': 'application/xml' },
    });
    const socket = await openTls(broker.port, tls());
    try {
      // All headers and half the body, then the client says it is done sending (FIN).
      const cut = request.subarray(0, request.length - Math.floor(dossier.length / 2));
      const answered: Promise<RawAnswer> = exchange(socket, cut);
      socket.end();
      const answer = await answered;
      expect([answer.status, answer.body.error]).toEqual([400, 'REQUEST_BODY_INCOMPLETE']);
      expectBsnNotEchoed(dossier, answer.body);
    } finally {
      socket.destroy();
    }
    expect(await versionCount()).toBe(before);
  });

  it('answers 408 REQUEST_TIMEOUT, as JSON, to a client whose headers never finish', async () => {
    const socket = await openTls(broker.port, tls());
    socket.on('error', () => undefined);
    const started = Date.now();
    try {
      const answer = await exchange(socket, `GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1:${broker.port}\r\n`);
      expect([answer.status, answer.body.error]).toEqual([408, 'REQUEST_TIMEOUT']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - TIMEOUT_CHECK_INTERVAL_MS);
    } finally {
      socket.destroy();
    }
  }, 30_000);
});
