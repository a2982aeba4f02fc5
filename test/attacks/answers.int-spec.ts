import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { connect } from 'node:tls';
import type { RunningBroker } from '../support/broker-fixture';
import { rawRequest } from '../support/raw-tls';
import { expectBsnNotEchoed } from '../support/pupil-echo';
import { signedRequestBytes } from '../support/signed-raw';
import { Exchange, SOURCE_SCHOOL, TARGET_SCHOOL, startExchange } from '../support/exchange-fixture';
import { ClientCredentials, TestPki } from '../support/test-pki';
import { VendorClient } from '../support/vendor-client';
import { POVO_PUPIL } from '../support/large-dossiers';
import { POVO_TEXT } from './hostile-dossiers';

/**
 * What the broker says back, found by a second black-box probe: no value of the sender's is repeated in
 * an answer (a namespace, an xsi:type, a wrong enum value in a body or a query), a body labelled with
 * another charset is refused rather than read as UTF-8, a request with two Host headers is refused,
 * and a client that hangs up before its answer is not an unhandled error in the operator's log.
 */
describe('attack: what the broker answers', () => {
  const MARK = 'Piet_Jansen_269326728';
  let exchange: Exchange<'vendor'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let database: Client;
  let credentials: ClientCredentials;
  let vendor: VendorClient;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'attack_answers',
      vendors: { vendor: { id: 'both-las', sends: [SOURCE_SCHOOL], receives: [TARGET_SCHOOL] } },
    });
    ({ pki, broker, database } = exchange);
    credentials = exchange.credentials.vendor;
    vendor = exchange.clients.vendor;
  });

  afterAll(() => exchange?.close());

  const stored = async () =>
    Number(
      (
        await database.query<{ count: string }>(
          'SELECT (SELECT count(*) FROM dossier_versions) + (SELECT count(*) FROM transfers) AS count',
        )
      ).rows[0].count,
    );

  it('repeats neither the namespace nor an xsi:type value of a dossier', async () => {
    const foreignNamespace = POVO_TEXT.replace(
      'xmlns="http://www.edustandaard.nl/oso_gegevensset/2019/dossier"',
      `xmlns="urn:${MARK}"`,
    );
    const xsiType = POVO_TEXT.replace(
      '<roepnaam>',
      `<roepnaam xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${MARK}">`,
    );
    expect(foreignNamespace).toContain(MARK);
    expect(xsiType).toContain(MARK);
    const before = await stored();
    for (const dossier of [foreignNamespace, xsiType]) {
      for (const path of ['/v1/validate', '/v1/dossiers']) {
        const answer = await vendor.send('POST', path, Buffer.from(dossier));
        expect([200, 422]).toContain(answer.status);
        expect(JSON.stringify(answer.body).length).toBeGreaterThan(20);
        expect(answer.raw.toString('utf8')).not.toContain(MARK);
        expectBsnNotEchoed(dossier, answer.raw);
      }
    }
    expect(await stored()).toBe(before);
  });

  it('names the allowed values, not the wrong one, for an enum in a body or a query', async () => {
    const before = await stored();
    const request = await vendor.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '00YY00',
      pupil: { bsn: POVO_PUPIL.bsn, geboortedatum: '2012-03-17' },
      reason: MARK,
    });
    expect([request.status, request.body.error]).toEqual([400, 'REQUEST_INVALID']);
    expect(request.body.message).toMatch(/reason: must be one of overstap, verhuizing/);
    const list = await vendor.get(`/v1/transfers?role=target&state=${MARK}`);
    expect([list.status, list.body.error]).toEqual([400, 'REQUEST_INVALID']);
    for (const answer of [request, list]) expect(answer.raw.toString('utf8')).not.toContain(MARK);
    expect(await stored()).toBe(before);
  });

  it('refuses a dossier labelled with another charset than UTF-8 (415), storing nothing', async () => {
    const before = await stored();
    for (const charset of ['utf-16', 'iso-8859-1']) {
      const answer = await vendor.send('POST', '/v1/dossiers', Buffer.from(POVO_TEXT), {
        contentType: `application/xml; charset=${charset}`,
      });
      expect([answer.status, answer.body.error]).toEqual([415, 'REQUEST_BODY_ENCODING_UNSUPPORTED']);
    }
    const utf8 = await vendor.send('POST', '/v1/validate', Buffer.from(POVO_TEXT), {
      contentType: 'application/xml; charset=UTF-8',
    });
    expect([utf8.status, utf8.body.valid]).toEqual([200, true]);
    expect(await stored()).toBe(before);
  });

  it('refuses a request with two Host headers', async () => {
    const request = await signedRequestBytes(broker.port, credentials, 'GET', '/v1/whoami');
    const twoHosts = Buffer.from(
      request.toString('latin1').replace('\r\n', '\r\nHost: elsewhere.example\r\n'),
      'latin1',
    );
    const tls = { ca: pki.caCertificate, cert: credentials.cert, key: credentials.key };
    const answer = await rawRequest(broker.port, tls, twoHosts);
    expect([answer.status, answer.body.error]).toEqual([400, 'REQUEST_TARGET_INVALID']);
    const single = await rawRequest(
      broker.port,
      tls,
      await signedRequestBytes(broker.port, credentials, 'GET', '/v1/whoami'),
    );
    expect(single.status).toBe(200);
  });

  it('does not log a client that hangs up before its answer as an unhandled error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', Buffer.from('{}')],
      ] as const) {
        const bytes = await signedRequestBytes(broker.port, credentials, method, '/v1/echo', {
          body,
          headers: body ? { 'content-type': 'application/json' } : {},
        });
        await new Promise<void>((resolve) => {
          const socket = connect(
            {
              host: '127.0.0.1',
              port: broker.port,
              servername: 'localhost',
              ca: pki.caCertificate,
              cert: credentials.cert,
              key: credentials.key,
            },
            () => {
              socket.write(bytes);
              socket.end(); // the client's half of the connection ends right after its request
            },
          );
          socket.on('data', () => undefined);
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }
      // The broker has handled both by now; give its logging a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const unhandled = errors.mock.calls.filter((call) => String(call[0]).includes('Unhandled'));
      expect(unhandled).toEqual([]);
      // And it goes on serving.
      expect((await vendor.get('/v1/whoami')).status).toBe(200);
    } finally {
      errors.mockRestore();
    }
  });
});
