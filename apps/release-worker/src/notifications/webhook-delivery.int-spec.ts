import { CertificateAuthority, validityFromNow } from '@app/pki';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { WebhookConnections } from './webhook-connections';
import { type NotificationPayload, deliverNotification, loadBrokerIdentity } from './webhook-delivery';

/**
 * A kept-alive connection the receiver closes without answering (as when it drops an idle connection
 * just as the broker reuses it) is not the receiver's failure: the call is signed afresh and sent again on
 * a new connection, within the same deadline. Real TLS, real certificates from a CA of the test's own.
 */
describe('a webhook call on a kept-alive connection the receiver closed', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const requests: Array<{ connection: number; signature: string }> = [];
  let connections = 0;
  /** Connection numbers on which the second request is cut off (the socket destroyed, no answer). */
  const cutSecondRequestOn = new Set<number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-delivery-'));
    const ca = CertificateAuthority.create('Webhook test CA', validityFromNow(2));
    const serverTls = ca.issueServerCertificate(['127.0.0.1'], validityFromNow(2));
    const client = ca.issueBrokerClientCertificate(validityFromNow(2));
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write('ca.crt', ca.pair.certificatePem);
    write('server.crt', serverTls.certificatePem);
    write('server.key', serverTls.keyPem);
    write('client.crt', client.certificatePem);
    write('client.key', client.keyPem);
    const perConnection = new WeakMap<object, { number: number; requests: number }>();
    server = createServer(
      {
        key: serverTls.keyPem,
        cert: serverTls.certificatePem,
        ca: ca.pair.certificatePem,
        requestCert: true,
      },
      (request, response) => {
        const seen = perConnection.get(request.socket)!;
        seen.requests++;
        requests.push({ connection: seen.number, signature: String(request.headers['signature']) });
        if (seen.requests === 2 && cutSecondRequestOn.has(seen.number)) {
          request.socket.destroy();
          return;
        }
        request.resume();
        request.on('end', () => response.writeHead(204).end());
      },
    );
    server.on('secureConnection', (socket: TLSSocket) => {
      perConnection.set(socket, { number: ++connections, requests: 0 });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends again on a new connection, signed afresh, and counts it delivered', async () => {
    const identity = loadBrokerIdentity({
      signingKeyFile: join(dir, 'server.key'),
      signingCertificateFile: join(dir, 'server.crt'),
      clientCertificateFile: join(dir, 'client.crt'),
      clientKeyFile: join(dir, 'client.key'),
      extraCaFile: join(dir, 'ca.crt'),
    });
    const pools = new WebhookConnections({ socketsPerEndpoint: 1, idleMs: 10_000, endpoints: 10 });
    const payload = (id: string): NotificationPayload => ({
      id,
      type: 'released',
      transferId: '00000000-0000-4000-8000-000000000001',
      versionHash: null,
      at: new Date().toISOString(),
    });
    cutSecondRequestOn.add(1);
    try {
      const agent = pools.agentFor('vendor-a', url, identity);
      expect(await deliverNotification(url, payload('1'), identity, agent, 5000)).toEqual({
        delivered: true,
      });
      expect(await deliverNotification(url, payload('2'), identity, agent, 5000)).toEqual({
        delivered: true,
      });
      // The first call, the second cut off on the same connection, the second again on a new one.
      expect(requests.map((request) => request.connection)).toEqual([1, 1, 2]);
      expect(requests[2].signature).not.toBe(requests[1].signature);
      expect(pools.socketsOf('vendor-a')).toBe(1);
    } finally {
      pools.closeAll();
    }
  });
});
