import { RegistryChangeListener, certificateFacts } from '@app/pki';
import type { TLSSocket } from 'node:tls';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { exchange as send, openTls } from '../../../../test/support/raw-tls';
import { signedRequestBytes } from '../../../../test/support/signed-raw';
import type { ClientCredentials } from '../../../../test/support/test-pki';

/**
 * The registry is read from memory on the hot path (#13); these prove that a change made elsewhere (by
 * another process, as `oso` does) is judged on the very next request of a kept-alive connection, on every
 * broker process, and that the broker falls back to the database while it cannot hear the changes.
 */
describe('registry changes reach every broker process on the next request', () => {
  let setup: Exchange<'acme' | 'other'>;
  let second: RunningBroker;
  const sockets: TLSSocket[] = [];

  beforeAll(async () => {
    setup = await startExchange({
      suite: 'registry_changes',
      schools: [
        { code: '12AB00', name: 'De Linde', sector: 'PO' },
        { code: '34CD00', name: 'Het College', sector: 'VO' },
      ],
      vendors: {
        acme: { id: 'acme-las', name: 'Acme LAS', serves: ['12AB00', '34CD00'] },
        other: { id: 'other-las', name: 'Other LAS', serves: ['34CD00'] },
      },
    });
    // A second broker-api on the same database: a process of its own, as under BROKER_API_PROCESSES.
    second = await startBroker({ DATABASE_URL: setup.databaseUrl, PKI_DIR: setup.pki.dir });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await second?.close();
    await setup?.close();
  });

  /** One kept-alive TLS connection to a broker; every call sends a freshly signed whoami on it. */
  async function connection(broker: RunningBroker, client: ClientCredentials) {
    const socket = await openTls(broker.port, {
      ca: setup.pki.caCertificate,
      cert: client.cert,
      key: client.key,
    });
    sockets.push(socket);
    return async () => send(socket, await signedRequestBytes(broker.port, client, 'GET', '/v1/whoami'));
  }

  async function eventually(probe: () => boolean): Promise<boolean> {
    const deadline = Date.now() + 10_000;
    while (!probe() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return probe();
  }

  it('refuses a certificate revoked in the registry on the next request of an open connection, on both processes', async () => {
    const doomed = await setup.pki.issueBound({ kind: 'vendor', vendorId: 'other-las' });
    const onFirst = await connection(setup.broker, doomed);
    const onSecond = await connection(second, doomed);
    expect((await onFirst()).status).toBe(200);
    expect((await onSecond()).status).toBe(200);
    // The registry alone (no CRL is written): the in-memory copy must not outlive the row.
    await setup.pki.registry.revokeCertificate(doomed.serial as string, 'keyCompromise');
    for (const next of [onFirst, onSecond]) {
      const answer = await next();
      expect([answer.status, answer.body.error]).toEqual([401, 'CLIENT_CERTIFICATE_REVOKED']);
    }
    // Other certificates are unaffected.
    expect((await (await connection(second, setup.credentials.acme))()).status).toBe(200);
  });

  it('ends a withdrawn mandate on the next request, and shows a new one at once', async () => {
    const whoami = await connection(setup.broker, setup.credentials.acme);
    const schools = async () =>
      ((await whoami()).body.mandatedSchools as Array<{ school: string }>).map((entry) => entry.school);
    expect(await schools()).toEqual(['12AB00', '34CD00']);
    await setup.pki.registry.revokeMandate({ schoolCode: '12AB00', vendorId: 'acme-las' });
    expect(await schools()).toEqual(['34CD00']);
    await setup.pki.registry.grantMandate({ schoolCode: '12AB00', vendorId: 'acme-las', side: 'both' });
    expect(await schools()).toEqual(['12AB00', '34CD00']);
  });

  it('accepts a certificate bound after it was refused as unregistered, on the same connection', async () => {
    const late = setup.pki.issueUnbound('acme-las');
    const whoami = await connection(second, late);
    expect((await whoami()).body.error).toBe('CLIENT_CERTIFICATE_NOT_REGISTERED');
    await setup.pki.registry.bindCertificate(
      { kind: 'vendor', vendorId: 'acme-las' },
      certificateFacts(late.cert),
    );
    const accepted = await whoami();
    expect([accepted.status, accepted.body.error]).toEqual([200, undefined]);
  });

  it('reads the database while it cannot hear changes, and listens again', async () => {
    const listener = second.app.get(RegistryChangeListener);
    const doomed = await setup.pki.issueBound({ kind: 'vendor', vendorId: 'other-las' });
    const whoami = await connection(second, doomed);
    expect((await whoami()).status).toBe(200);
    // Cut the listener's connection, as a database restart or a network fault would.
    await setup.database.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'oso-registry-listener'`,
    );
    expect(await eventually(() => !listener.live)).toBe(true);
    await setup.pki.registry.revokeCertificate(doomed.serial as string, 'keyCompromise');
    expect((await whoami()).body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
    expect(await eventually(() => listener.live)).toBe(true);
    // Listening again: a change is heard as before.
    const next = await setup.pki.issueBound({ kind: 'vendor', vendorId: 'other-las' });
    const again = await connection(second, next);
    expect((await again()).status).toBe(200);
    await setup.pki.registry.revokeCertificate(next.serial as string, 'keyCompromise');
    expect((await again()).body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
  });
});
