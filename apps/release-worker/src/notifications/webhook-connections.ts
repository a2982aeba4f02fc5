import { Agent } from 'node:https';
import type { SecureContext } from 'node:tls';
import type { BrokerIdentity } from './webhook-delivery';

/** How the pooled connections to receivers are bounded. */
export interface WebhookConnectionLimits {
  /** Connections open at once to one vendor's endpoint (the worker's attempts in flight suffice). */
  socketsPerEndpoint: number;
  /** An idle connection is closed after this long (sooner when the receiver's Keep-Alive hint says so). */
  idleMs: number;
  /** Endpoints with a pool at once; the least recently used one is closed beyond this. */
  endpoints: number;
}

interface Pool {
  url: string;
  identity: BrokerIdentity;
  agent: Agent;
}

/**
 * Keep-alive connections to the vendors' webhook receivers (issue #13): a connection per attempt cost a
 * full TLS handshake with the broker's client certificate and a SecureContext built from PEM (the system's
 * root CAs included) every time. One pool per vendor, never shared between vendors even when their
 * endpoints share a host, so one vendor's connection never carries another's notification. A pool is
 * closed and built again when the vendor's webhook URL changes or when the broker's identity (client
 * certificate, key, trusted CAs) is reloaded: a connection made under the old one is not used again.
 */
export class WebhookConnections {
  private readonly pools = new Map<string, Pool>();
  private identity: BrokerIdentity | undefined;

  constructor(private readonly limits: WebhookConnectionLimits) {}

  /** The agent for `vendorId`'s endpoint `url`, under `identity`. */
  agentFor(vendorId: string, url: string, identity: BrokerIdentity): Agent {
    if (this.identity !== identity) {
      // A reloaded identity: no connection made under the old one is used again.
      this.closeAll();
      this.identity = identity;
    }
    const pool = this.pools.get(vendorId);
    // Re-inserted on use: the map's order is least recently used first.
    this.pools.delete(vendorId);
    if (pool && pool.url === url && pool.identity === identity) {
      this.pools.set(vendorId, pool);
      return pool.agent;
    }
    pool?.agent.destroy();
    const fresh: Pool = { url, identity, agent: this.newAgent(identity.tls) };
    this.pools.set(vendorId, fresh);
    for (const [oldest, stale] of this.pools) {
      if (this.pools.size <= this.limits.endpoints) break;
      stale.agent.destroy();
      this.pools.delete(oldest);
    }
    return fresh.agent;
  }

  /** Closes every connection (the worker stops, or the identity was reloaded). */
  closeAll(): void {
    for (const pool of this.pools.values()) pool.agent.destroy();
    this.pools.clear();
  }

  /** Open or idle connections of a vendor's pool (for tests and diagnostics). */
  socketsOf(vendorId: string): number {
    const agent = this.pools.get(vendorId)?.agent;
    if (!agent) return 0;
    const count = (sockets: NodeJS.ReadOnlyDict<unknown[]>) =>
      Object.values(sockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
    return count(agent.sockets) + count(agent.freeSockets);
  }

  private newAgent(secureContext: SecureContext): Agent {
    return new Agent({
      keepAlive: true,
      maxSockets: this.limits.socketsPerEndpoint,
      maxFreeSockets: this.limits.socketsPerEndpoint,
      timeout: this.limits.idleMs,
      // The most recently used connection first, so surplus ones go idle and close.
      scheduling: 'lifo',
      secureContext,
    });
  }
}
