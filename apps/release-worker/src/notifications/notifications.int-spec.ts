import { CertificateAuthority, validityFromNow } from '@app/pki';
import { InMemoryNonceStore, certificateKey, normalizeKeyId, verifySignedRequest } from '@app/http-signing';
import { NOTIFICATION_QUEUE, bullConnectionOptions } from '@app/queues';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { NestFactory } from '@nestjs/core';
import { X509Certificate, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import {
  recordInzageByLetter,
  releasesOf,
  stagePoDossier,
  transferState,
} from '../../../../test/support/release-steps';
import { ReleaseRelay } from '../release/release-relay';
import { type ReleaseWorkerConfig, readReleaseWorkerConfig } from '../release-worker.config';
import { NotificationProcessor } from './notification.processor';
import { ReleaseWorkerModule } from '../release-worker.module';

/** What the receiver saw of one call. */
interface Received {
  path: string;
  body: Buffer;
  /** SHA-256 fingerprint of the client certificate the caller presented (lowercase hex). */
  clientFingerprint: string;
  /** Whether the RFC 9421 signature verified with the broker's certificate (and fresh nonce). */
  signatureVerified: boolean;
  keyId: string | null;
  /** Which TLS connection carried the call (numbered by the receiver as they were accepted). */
  connection: number;
}

/**
 * A vendor's webhook receiver: real TLS with a server certificate from the broker's CA, demanding a client
 * certificate from that CA, verifying the broker's signature as the API guide tells vendors to. It can be
 * stopped (connections refused) and started again on the same port.
 */
class Receiver {
  readonly calls: Received[] = [];
  /** TLS connections accepted (handshakes completed) and closed since the receiver was made. */
  connectionsAccepted = 0;
  connectionsClosed = 0;
  private readonly connectionNumbers = new WeakMap<object, number>();
  /** The status to answer, or `hang`: read the call, never answer. */
  status: number | 'hang' = 204;
  private server: Server | undefined;
  private readonly nonces = new InMemoryNonceStore();

  constructor(
    private readonly tls: { key: string; cert: string; ca: Buffer },
    private readonly brokerCertificate: Buffer,
    public port = 0,
  ) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}/hooks/oso`;
  }

  async start(): Promise<void> {
    const server = createServer(
      { ...this.tls, requestCert: true, rejectUnauthorized: true },
      (request, response) => {
        void this.handle(request).then(() => {
          if (this.status === 'hang') return;
          response.writeHead(this.status, this.status === 302 ? { location: 'https://example.org/' } : {});
          response.end();
        });
      },
    );
    server.on('secureConnection', (socket: TLSSocket) => {
      this.connectionNumbers.set(socket, ++this.connectionsAccepted);
      socket.on('close', () => this.connectionsClosed++);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  callsFor(transferId: string): Array<Received & { payload: Record<string, unknown> }> {
    return this.calls
      .map((call) => ({
        ...call,
        payload: JSON.parse(call.body.toString('utf8')) as Record<string, unknown>,
      }))
      .filter((call) => call.payload.transferId === transferId);
  }

  private async handle(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    const outcome = await verifySignedRequest({
      method: request.method ?? '',
      url: `https://127.0.0.1:${this.port}${request.url}`,
      headers: request.headers,
      body,
      certificate: certificateKey(this.brokerCertificate),
      maxAgeSeconds: 300,
      nonceStore: this.nonces,
    });
    this.calls.push({
      path: request.url ?? '',
      body,
      clientFingerprint: normalizeKeyId(peer.fingerprint256),
      signatureVerified: outcome.ok,
      keyId: outcome.ok ? outcome.verified.keyId : null,
      connection: this.connectionNumbers.get(request.socket) ?? 0,
    });
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000) {
  for (let waited = 0; waited < ms; waited += 100) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited ${ms} ms for ${what}`);
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A fresh server certificate from the broker's CA, for a receiver of a test's own. */
function receiverTlsOf(exchange: Exchange): { key: string; cert: string; ca: Buffer } {
  const ca = CertificateAuthority.load(exchange.pki.pki.store.readCa());
  const tls = ca.issueServerCertificate(['127.0.0.1'], validityFromNow(2));
  return { key: tls.keyPem, cert: tls.certificatePem, ca: exchange.pki.caCertificate };
}

let seed = 9100;
/** Short backoff so retries happen within a test: attempt 2 after ≤ 250 ms, then ≤ 500, ≤ 1000, … */
const ATTEMPTS = 6;

describe('webhook notifications: outbox, relay, signed delivery over mutual TLS', () => {
  let exchange: Exchange;
  let worker: INestApplicationContext;
  let releaseRelay: ReleaseRelay;
  let receiver: Receiver;
  let brokerClientFingerprint: string;
  let brokerSigningKeyId: string;
  let config: ReleaseWorkerConfig;

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'notifications' });
    const store = exchange.pki.pki.store;
    const ca = CertificateAuthority.load(store.readCa());
    const receiverTls = ca.issueServerCertificate(['127.0.0.1'], validityFromNow(2));
    const brokerCertificate = readFileSync(store.serverCertificateFile);
    receiver = new Receiver(
      { key: receiverTls.keyPem, cert: receiverTls.certificatePem, ca: exchange.pki.caCertificate },
      brokerCertificate,
    );
    await receiver.start();
    brokerClientFingerprint = normalizeKeyId(
      new X509Certificate(readFileSync(store.brokerClientFiles.certificateFile)).fingerprint256,
    );
    brokerSigningKeyId = certificateKey(brokerCertificate).fingerprintSha256;
    config = readReleaseWorkerConfig({
      ...process.env,
      DATABASE_URL: exchange.databaseUrl,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'oso-test'}-notify-${randomUUID().slice(0, 8)}`,
      PKI_DIR: exchange.pki.dir,
      RELEASE_RELAY_EVERY_MS: String(3_600_000),
      NOTIFY_RELAY_EVERY_MS: '100',
      NOTIFY_TIMEOUT_MS: '2000',
      NOTIFY_LEASE_SECONDS: '3',
      NOTIFY_ATTEMPTS: String(ATTEMPTS),
      NOTIFY_BACKOFF_BASE_MS: '250',
      NOTIFY_BACKOFF_MAX_MS: '1000',
      // Receivers' certificates come from the test CA, which no system store holds.
      NOTIFY_EXTRA_CA_FILE: store.caCertificateFile,
    });
    worker = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
      logger: ['error'],
    });
    await worker.init();
    releaseRelay = worker.get(ReleaseRelay);
  });

  afterAll(async () => {
    await worker?.close();
    await receiver?.stop();
    await exchange?.close();
  });

  const setWebhook = (vendorId: string, url: string | null) =>
    exchange.pki.registry.setVendorWebhook({ id: vendorId, url });

  /** A PO dossier staged, its inzage recorded, released by the worker. */
  async function released(): Promise<{ id: string; versionHash: string }> {
    const { id, versionHash } = await stagePoDossier(exchange, ++seed);
    await recordInzageByLetter(exchange, { id, versionHash });
    await releaseRelay.relay();
    await until('the release', async () => (await transferState(exchange.database, id)) === 'released');
    return { id, versionHash };
  }

  async function notificationRows(transferId: string) {
    const { rows } = await exchange.database.query<{
      vendor_id: string;
      kind: string;
      attempts: number;
      last_failure: string | null;
      delivered_at: Date | null;
      dead_at: Date | null;
    }>(
      `SELECT vendor_id, kind, attempts, last_failure, delivered_at, dead_at
         FROM notification_outbox WHERE transfer_id = $1 ORDER BY id`,
      [transferId],
    );
    return rows;
  }

  async function logEntries(transferId: string, type: string) {
    const { rows } = await exchange.database.query<{ details: Record<string, unknown>; actor_kind: string }>(
      `SELECT details, actor_kind FROM exchange_log_entries WHERE transfer_id = $1 AND event_type = $2 ORDER BY id`,
      [transferId, type],
    );
    return rows;
  }

  it('delivers a signed notification on release, presenting the broker’s client certificate', async () => {
    await setWebhook('vo-las', receiver.url);
    await setWebhook('po-las', receiver.url);
    const { id, versionHash } = await released();
    const [call] = await until(
      'the delivery',
      async () => receiver.callsFor(id).length > 0 && receiver.callsFor(id),
    );
    expect(call.path).toBe('/hooks/oso');
    expect(call.signatureVerified).toBe(true);
    expect(call.keyId).toBe(brokerSigningKeyId);
    expect(call.clientFingerprint).toBe(brokerClientFingerprint);
    // Small and without personal data: what happened to which transfer, when; nothing else.
    expect(Object.keys(call.payload).sort()).toEqual(['at', 'id', 'transferId', 'type', 'versionHash']);
    expect(call.payload).toMatchObject({ type: 'released', transferId: id, versionHash });
    expect(call.body.toString('utf8')).not.toMatch(/geboortedatum|bsn|2014-04-04|00YY|01XZ/i);

    await until('the delivered mark', async () => (await notificationRows(id))[0]?.delivered_at);
    expect(await notificationRows(id)).toEqual([
      expect.objectContaining({ vendor_id: 'vo-las', kind: 'released', attempts: 1, dead_at: null }),
    ]);
    const delivered = await logEntries(id, 'notification_delivered');
    expect(delivered).toEqual([
      {
        actor_kind: 'broker',
        details: { kind: 'released', vendorId: 'vo-las', attempts: 1 },
      },
    ]);
    const view = await exchange.clients.vo.get(`/v1/transfers/${id}`);
    expect(view.status).toBe(200);
    expect(view.body.notifications).toEqual([{ kind: 'released', state: 'delivered', attempts: 1 }]);
    expect(JSON.stringify(view.body)).not.toContain(receiver.url);
    // The sender sees no notification of the receiver's.
    expect((await exchange.clients.po.get(`/v1/transfers/${id}`)).body.notifications).toEqual([]);

    // Receipt notifies the sending vendor that staged the released version.
    expect((await exchange.clients.vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
    expect((await exchange.clients.vo.post(`/v1/transfers/${id}/receipt`, {})).status).toBe(200);
    const receipt = await until(
      'the receipt notification',
      async () => receiver.callsFor(id).find((c) => c.payload.type === 'received') ?? null,
    );
    expect(receipt).toMatchObject({ signatureVerified: true, payload: { versionHash, transferId: id } });
    await until('the received row delivered', async () =>
      (await notificationRows(id)).find((row) => row.kind === 'received' && row.delivered_at !== null),
    );
    expect((await notificationRows(id)).map((row) => [row.vendor_id, row.kind])).toEqual([
      ['vo-las', 'released'],
      ['po-las', 'received'],
    ]);
    expect(receiver.callsFor(id)).toHaveLength(2);
  });

  it('delivers exactly once after retries when the receiver is down for a while', async () => {
    await setWebhook('vo-las', receiver.url);
    await receiver.stop();
    const { id } = await released();
    // Down: connections refused, attempts recorded with their code, nothing dead yet.
    const down = await until('two refused attempts', async () => {
      const [row] = await notificationRows(id);
      return row && row.attempts >= 2 && row;
    });
    expect(down).toMatchObject({ last_failure: 'connection_refused', delivered_at: null, dead_at: null });
    await receiver.start();
    const [row] = await until('the delivery after retries', async () => {
      const rows = await notificationRows(id);
      return rows[0]?.delivered_at && rows;
    });
    expect(row.attempts).toBeGreaterThanOrEqual(3);
    expect(row.dead_at).toBeNull();
    // Some more relay rounds: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.callsFor(id)).toHaveLength(1);
    expect(receiver.callsFor(id)[0].signatureVerified).toBe(true);
    expect(await logEntries(id, 'notification_delivered')).toHaveLength(1);
    expect(await logEntries(id, 'notification_dead_lettered')).toHaveLength(0);
    expect(await releasesOf(exchange.database, id)).toBe(1);
  });

  it('dead-letters after the last attempt: visible on the transfer and in the log; the inbox still serves it', async () => {
    await setWebhook('vo-las', `https://127.0.0.1:${await closedPort()}/hooks/oso`);
    const { id } = await released();
    const [row] = await until('the dead letter', async () => {
      const rows = await notificationRows(id);
      return rows[0]?.dead_at && rows;
    });
    expect(row).toMatchObject({ attempts: ATTEMPTS, last_failure: 'connection_refused', delivered_at: null });
    expect(await logEntries(id, 'notification_dead_lettered')).toEqual([
      {
        actor_kind: 'broker',
        details: { kind: 'released', vendorId: 'vo-las', attempts: ATTEMPTS, failure: 'connection_refused' },
      },
    ]);
    expect(await logEntries(id, 'notification_delivered')).toHaveLength(0);
    const view = await exchange.clients.vo.get(`/v1/transfers/${id}`);
    expect(view.body.notifications).toEqual([{ kind: 'released', state: 'dead', attempts: ATTEMPTS }]);
    // Still pollable and fetchable.
    const inbox = await exchange.clients.vo.get('/v1/transfers?role=target&state=released');
    expect((inbox.body.items as Array<{ id: string }>).map((item) => item.id)).toContain(id);
    expect((await exchange.clients.vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
    // No attempt after the dead letter.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await notificationRows(id))[0].attempts).toBe(ATTEMPTS);
  });

  it('a notification whose job Redis lost is handed on again after its lease, and delivered once', async () => {
    await setWebhook('vo-las', receiver.url);
    const processor = worker.get(NotificationProcessor);
    await processor.worker.pause();
    try {
      const { id } = await released();
      const queue = new Queue(NOTIFICATION_QUEUE, {
        connection: bullConnectionOptions(config.redis),
        prefix: config.redis.prefix,
      });
      try {
        await until('the job in the queue', async () => (await queue.getJobCounts('waiting'))['waiting'] > 0);
        // Redis loses every job (a flush, a restart without persistence): the outbox row stays.
        await queue.obliterate({ force: true });
        expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
      } finally {
        await queue.close();
      }
      processor.worker.resume();
      const [row] = await until('the delivery after the lease', async () => {
        const rows = await notificationRows(id);
        return rows[0]?.delivered_at && rows;
      });
      expect(row.attempts).toBe(1);
      expect(receiver.callsFor(id)).toHaveLength(1);
      expect(await logEntries(id, 'notification_delivered')).toHaveLength(1);
    } finally {
      processor.worker.resume();
    }
  });

  it('two workers relaying and delivering at once send each notification once', async () => {
    await setWebhook('vo-las', receiver.url);
    const second = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
      logger: ['error'],
    });
    await second.init();
    try {
      const transfers = [await released(), await released(), await released()];
      for (const { id } of transfers) {
        await until('the delivery', async () => (await notificationRows(id))[0]?.delivered_at);
      }
      // Relay rounds of both workers after the deliveries: nothing is sent again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const { id } of transfers) {
        expect(receiver.callsFor(id)).toHaveLength(1);
        expect(await logEntries(id, 'notification_delivered')).toHaveLength(1);
        expect((await notificationRows(id))[0].attempts).toBe(1);
      }
    } finally {
      await second.close();
    }
  });

  it('does not follow a redirect: a 3xx answer is a failed attempt', async () => {
    await setWebhook('vo-las', receiver.url);
    receiver.status = 302;
    try {
      const { id } = await released();
      const [row] = await until('a refused attempt', async () => {
        const rows = await notificationRows(id);
        return rows[0]?.attempts >= 1 && rows;
      });
      expect(row).toMatchObject({ last_failure: 'http_302', delivered_at: null });
    } finally {
      receiver.status = 204;
    }
  });

  it('counts no answer in time, and a receiver certificate the broker does not trust, as failed attempts', async () => {
    await setWebhook('vo-las', receiver.url);
    receiver.status = 'hang';
    try {
      const { id } = await released();
      const [row] = await until('a timed-out attempt', async () => {
        const rows = await notificationRows(id);
        return rows[0]?.attempts >= 1 && rows;
      });
      expect(row).toMatchObject({ last_failure: 'timeout', delivered_at: null });
      expect(receiver.callsFor(id).length).toBeGreaterThanOrEqual(1);
    } finally {
      receiver.status = 204;
    }
    // A receiver whose certificate comes from a CA the broker does not trust: no call is made.
    const strangerCa = CertificateAuthority.create('Stranger CA', validityFromNow(2));
    const strangerTls = strangerCa.issueServerCertificate(['127.0.0.1'], validityFromNow(2));
    const stranger = new Receiver(
      { key: strangerTls.keyPem, cert: strangerTls.certificatePem, ca: exchange.pki.caCertificate },
      readFileSync(exchange.pki.pki.store.serverCertificateFile),
    );
    await stranger.start();
    try {
      await setWebhook('vo-las', stranger.url);
      const { id } = await released();
      const [row] = await until('a refused handshake', async () => {
        const rows = await notificationRows(id);
        return rows[0]?.attempts >= 1 && rows;
      });
      expect(row).toMatchObject({ last_failure: 'tls_failed', delivered_at: null });
      expect(stranger.calls).toEqual([]);
    } finally {
      await stranger.stop();
    }
  });

  it('queues nothing for a vendor without a webhook: it polls its inbox', async () => {
    await setWebhook('vo-las', null);
    const { id } = await released();
    expect(await notificationRows(id)).toEqual([]);
    expect((await exchange.clients.vo.get(`/v1/transfers/${id}`)).body.notifications).toEqual([]);
  });
  it('sends several notifications to one endpoint over one kept-alive connection; a changed URL or client certificate gets a new one', async () => {
    const keepAlive = new Receiver(
      receiverTlsOf(exchange),
      readFileSync(exchange.pki.pki.store.serverCertificateFile),
    );
    await keepAlive.start();
    const delivered = async (id: string, at: Receiver) => {
      await until('the delivery', async () => (await notificationRows(id))[0]?.delivered_at);
      const calls = at.callsFor(id);
      expect(calls).toHaveLength(1);
      expect(calls[0].signatureVerified).toBe(true);
      return calls[0];
    };
    // Earlier tests' rows still retrying would be sent here too once the webhook points here: closed.
    await exchange.database.query(
      `UPDATE notification_outbox SET dead_at = now() WHERE delivered_at IS NULL AND dead_at IS NULL`,
    );
    try {
      await setWebhook('vo-las', keepAlive.url);
      const first = [await released(), await released(), await released()];
      const calls = [];
      for (const { id } of first) calls.push(await delivered(id, keepAlive));
      // One handshake for three notifications, each with its own fresh signature.
      expect(keepAlive.connectionsAccepted).toBe(1);
      expect(calls.map((call) => call.connection)).toEqual([1, 1, 1]);
      expect(new Set(calls.map((call) => call.payload.id)).size).toBe(3);

      // The vendor changed its webhook (same host and port, another path): the old connection is closed
      // and the next notification goes over a new one, to the new URL.
      await setWebhook('vo-las', `${keepAlive.url}/v2`);
      const moved = await released();
      const movedCall = await delivered(moved.id, keepAlive);
      expect(movedCall.path).toBe('/hooks/oso/v2');
      expect(movedCall.connection).toBe(2);
      await until('the old connection closed', async () => keepAlive.connectionsClosed >= 1);

      // The broker's client certificate is rotated on disk: the next call presents the new one, over a
      // new connection; nothing more goes over the connection made with the old certificate.
      const store = exchange.pki.pki.store;
      const original = {
        certificatePem: readFileSync(store.brokerClientFiles.certificateFile, 'utf8'),
        keyPem: readFileSync(store.brokerClientFiles.keyFile, 'utf8'),
      };
      const rotated = CertificateAuthority.load(store.readCa()).issueBrokerClientCertificate(
        validityFromNow(2),
      );
      store.writeBrokerClient(rotated);
      try {
        const after = await released();
        const afterCall = await delivered(after.id, keepAlive);
        expect(afterCall.clientFingerprint).toBe(
          normalizeKeyId(new X509Certificate(rotated.certificatePem).fingerprint256),
        );
        expect(afterCall.clientFingerprint).not.toBe(brokerClientFingerprint);
        expect(afterCall.connection).toBe(3);
        await until(
          'the connection of the old certificate closed',
          async () => keepAlive.connectionsClosed >= 2,
        );
      } finally {
        store.writeBrokerClient(original);
      }
      const back = await released();
      expect((await delivered(back.id, keepAlive)).clientFingerprint).toBe(brokerClientFingerprint);
      expect(keepAlive.connectionsAccepted).toBe(4);
    } finally {
      await keepAlive.stop();
    }
  });
});
