import { createCrl } from '@app/pki';
import { writeFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { RunningBroker } from '../support/broker-fixture';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { exchange, openTls } from '../support/raw-tls';
import { signedRequestBytes } from '../support/signed-raw';
import {
  ClientCredentials,
  TestPki,
  foreignChainClient,
  foreignClient,
  selfSignedClient,
} from '../support/test-pki';

/**
 * Attacks on mutual TLS (issue #8, defects 4 and 7): a certificate is judged on every request, not only
 * at the handshake (kept-alive connections, resumed TLS sessions), and a certificate the broker does not
 * trust is called untrusted, never the broker's revocation problem.
 */
describe('attack: client certificates', () => {
  // Not `exchange`: that name is raw-tls's request-and-answer helper here.
  let fixture: Exchange<'acme'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let ca: Buffer;
  let vendor: ClientCredentials;

  const whoami = (client: ClientCredentials) => signedRequestBytes(broker.port, client, 'GET', '/v1/whoami');
  const connectAs = (client: ClientCredentials) =>
    openTls(broker.port, { ca, cert: client.cert, key: client.key });
  // A short-lived certificate must still be valid for the first request, also on a busy two-core
  // machine where issuing, connecting and one request took over 2 s; the tests then wait it out.
  const SHORT_LIFETIME_MS = 6_000;
  const sleepUntil = (time: number) =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));

  beforeAll(async () => {
    fixture = await startExchange({
      suite: 'attack_certificates',
      schools: [],
      vendors: { acme: { id: 'acme-las', name: 'Acme LAS' } },
    });
    ({ pki, broker } = fixture);
    ca = pki.caCertificate;
    vendor = fixture.credentials.acme;
  });

  afterAll(() => fixture?.close());

  it('refuses a certificate that expires while its kept-alive connection is open', async () => {
    const notAfter = Date.now() + SHORT_LIFETIME_MS;
    const shortLived = await pki.issueBound(
      { kind: 'vendor', vendorId: 'acme-las' },
      TestPki.expiringIn(notAfter - Date.now()),
    );
    const socket = await connectAs(shortLived);
    try {
      expect((await exchange(socket, await whoami(shortLived))).status).toBe(200);
      // Keep the connection busy (under the keep-alive timeout) until past notAfter.
      const statuses: number[] = [];
      while (Date.now() < notAfter + 1_500) {
        statuses.push((await exchange(socket, await whoami(shortLived))).status);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await sleepUntil(notAfter + 1_500);
      const late = await exchange(socket, await whoami(shortLived));
      expect([late.status, late.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_EXPIRED']);
      expect(statuses.every((status) => status === 200 || status === 401)).toBe(true);
      expect(socket.destroyed).toBe(false); // the same connection all along
    } finally {
      socket.destroy();
    }
  });

  it('refuses a certificate that expired, on a resumed TLS session', async () => {
    const notAfter = Date.now() + SHORT_LIFETIME_MS;
    const shortLived = await pki.issueBound(
      { kind: 'vendor', vendorId: 'acme-las' },
      TestPki.expiringIn(notAfter - Date.now()),
    );
    const first = await connectAs(shortLived);
    let session: Buffer | undefined;
    first.on('session', (ticket: Buffer) => (session = ticket));
    expect((await exchange(first, await whoami(shortLived))).status).toBe(200);
    first.destroy();
    expect(session).toBeDefined();
    await sleepUntil(notAfter + 1_500);

    const resumed: TLSSocket = await openTls(broker.port, {
      ca,
      cert: shortLived.cert,
      key: shortLived.key,
      session,
    });
    try {
      expect(resumed.isSessionReused()).toBe(true);
      const answer = await exchange(resumed, await whoami(shortLived));
      expect([answer.status, answer.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_EXPIRED']);
    } finally {
      resumed.destroy();
    }
  });

  it('refuses a certificate revoked in the registry on the connection it is already using', async () => {
    const doomed = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' });
    const socket = await connectAs(doomed);
    try {
      expect((await exchange(socket, await whoami(doomed))).status).toBe(200);
      await pki.pki.revoke(doomed.serial as string, 'keyCompromise');
      const answer = await exchange(socket, await whoami(doomed));
      expect([answer.status, answer.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_REVOKED']);
    } finally {
      socket.destroy();
    }
  });

  it('refuses a certificate listed on a newly published CRL on the connection it is already using', async () => {
    const listed = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' });
    const socket = await connectAs(listed);
    try {
      expect((await exchange(socket, await whoami(listed))).status).toBe(200);
      // A CRL published by the CA outside this broker's registry, as an external CA would.
      const caPair = pki.pki.store.readCa();
      writeFileSync(
        pki.pki.store.crlFile,
        await createCrl({
          caCertificatePem: caPair.certificatePem,
          caKeyPem: caPair.keyPem,
          revoked: [{ serial: listed.serial as string, revokedAt: new Date(), reason: 'keyCompromise' }],
          thisUpdate: new Date(),
          nextUpdate: new Date(Date.now() + 86_400_000),
        }),
      );
      const answer = await exchange(socket, await whoami(listed));
      expect([answer.status, answer.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_REVOKED']);
      // Others on the same CA are not affected.
      const fine = await connectAs(vendor);
      const other = await exchange(fine, await whoami(vendor)).finally(() => fine.destroy());
      expect(other.status).toBe(200);
    } finally {
      socket.destroy();
      await pki.pki.publishCrl();
    }
  });

  it('calls a self-signed certificate and a foreign chain untrusted, not a broker-side CRL problem', async () => {
    for (const [what, client] of [
      ['self-signed', selfSignedClient()],
      ['foreign chain', foreignChainClient('acme-las')],
      ['foreign leaf', foreignClient('acme-las')],
    ] as const) {
      const socket = await connectAs(client);
      try {
        const answer = await exchange(socket, await whoami(client));
        expect([what, answer.status, answer.body.error]).toEqual([what, 401, 'CLIENT_CERTIFICATE_UNTRUSTED']);
      } finally {
        socket.destroy();
      }
    }
  });

  it('while its own CRL is stale: our clients get 503 REVOCATION_STATUS_UNAVAILABLE, strangers stay untrusted', async () => {
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
    broker.crlReloader.reload(); // what the file watcher does within a second
    try {
      const ours = await connectAs(vendor);
      const answer = await exchange(ours, await whoami(vendor)).finally(() => ours.destroy());
      expect([answer.status, answer.body.error]).toEqual([503, 'REVOCATION_STATUS_UNAVAILABLE']);
      const stranger = selfSignedClient();
      const theirs = await connectAs(stranger);
      const refused = await exchange(theirs, await whoami(stranger)).finally(() => theirs.destroy());
      expect([refused.status, refused.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_UNTRUSTED']);
    } finally {
      await pki.pki.publishCrl();
      broker.crlReloader.reload();
    }
    const back = await connectAs(vendor);
    const answer = await exchange(back, await whoami(vendor)).finally(() => back.destroy());
    expect(answer.status).toBe(200);
  });
});
