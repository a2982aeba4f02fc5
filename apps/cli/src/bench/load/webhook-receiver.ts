import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One webhook call the broker made to a vendor, as it arrived. */
export interface ReceivedNotification {
  /** The vendor whose webhook was called (the last path segment of its URL). */
  vendorId: string;
  /** The notification's own id (the same on a retried attempt). */
  id: string;
  type: string;
  transferId: string;
  versionHash: string | null;
  /** `Date.now()` when the body had arrived. */
  receivedAtMs: number;
}

export type NotificationListener = (notification: ReceivedNotification) => void;

/**
 * The vendors' webhook endpoint of a benchmark: an HTTPS server on loopback that demands the broker's
 * client certificate (as a vendor's receiver would), answers 204 and remembers what arrived and when, so
 * release latency can be measured up to the moment the receiving vendor hears of it.
 */
export class WebhookReceiver {
  private readonly received: ReceivedNotification[] = [];
  private readonly listeners = new Set<NotificationListener>();
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(tls: {
    keyPem: string;
    certificatePem: string;
    caPem: string;
  }): Promise<WebhookReceiver> {
    const server = createServer({
      key: tls.keyPem,
      cert: tls.certificatePem,
      ca: tls.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      keepAliveTimeout: 5000,
    });
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => receiver.handle(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    receiver.port = (server.address() as AddressInfo).port;
    return receiver;
  }

  urlFor(vendorId: string): string {
    return `https://127.0.0.1:${this.port}/webhooks/${vendorId}`;
  }

  /** Everything received so far (a copy). */
  notifications(): ReceivedNotification[] {
    return [...this.received];
  }

  /** Forgets what was received (a benchmark phase starting afresh); listeners stay. */
  clear(): void {
    this.received.length = 0;
  }

  /** Calls `listener` for every notification from now on; returns how to stop. */
  onNotification(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first notification (already received or yet to come) that `matches`, or null after `timeoutMs`. */
  waitFor(
    matches: (notification: ReceivedNotification) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedNotification | null> {
    const known = this.received.find(matches);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(null);
      }, timeoutMs);
      const stop = this.onNotification((notification) => {
        if (!matches(notification)) return;
        clearTimeout(timer);
        stop();
        resolve(notification);
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAtMs = Date.now();
      let payload: Partial<Omit<ReceivedNotification, 'vendorId' | 'receivedAtMs'>>;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof payload;
      } catch {
        response.writeHead(400).end();
        return;
      }
      const notification: ReceivedNotification = {
        vendorId: match[1],
        id: String(payload.id),
        type: String(payload.type),
        transferId: String(payload.transferId),
        versionHash: payload.versionHash ?? null,
        receivedAtMs,
      };
      this.received.push(notification);
      for (const listener of this.listeners) listener(notification);
      response.writeHead(204).end();
    });
  }
}
