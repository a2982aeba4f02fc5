import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy a test controls, between broker processes and a server other tests share (PostgreSQL,
 * Redis): the test makes the server restart or vanish as the broker sees it, without touching the server.
 * - `cut()` destroys every open connection (what clients see when the server restarts);
 * - `refuse()` closes each new connection at once (a server that is down: the client reads a reset/EOF);
 * - `hold()` accepts new connections but forwards nothing (a server that does not answer);
 * - `resume()` forwards again; held connections are then connected upstream.
 */
export class TcpProxy {
  private readonly server: Server;
  /** Open client connections, each with its upstream once connected. */
  private readonly pairs = new Map<Socket, Socket | undefined>();
  private readonly held = new Set<Socket>();
  private mode: 'forward' | 'refuse' | 'hold' = 'forward';
  private listeningPort = 0;
  /** Connections accepted so far (a test proves its clients really went through the proxy). */
  accepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    private readonly bindHost: string,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts a proxy on a free loopback port forwarding to `target`. */
  static async start(target: { host: string; port: number }, bindHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, bindHost);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, bindHost, () => resolve());
    });
    proxy.listeningPort = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** A proxy for the server of a `postgres://…` or `redis://…` URL. */
  static forUrl(url: string): Promise<TcpProxy> {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol.startsWith('redis') ? 6379 : 5432;
    return TcpProxy.start({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `url` with its host and port replaced by the proxy's (same credentials, database, options). */
  through(url: string): string {
    const routed = new URL(url);
    routed.hostname = this.bindHost;
    routed.port = String(this.listeningPort);
    return routed.toString();
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /**
   * The port a client used to reach the proxy, given the local port of the proxy's own connection to the
   * server (what PostgreSQL shows as `client_port`): tells which process owns a server-side session.
   */
  clientPortFor(upstreamLocalPort: number): number | undefined {
    for (const [client, upstream] of this.pairs) {
      if (upstream?.localPort === upstreamLocalPort) return client.remotePort;
    }
    return undefined;
  }

  /** Destroys every open connection, both sides, as a server restart does. New ones follow the mode. */
  cut(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream?.destroy();
    }
    this.pairs.clear();
    this.held.clear();
  }

  /** From now on new connections are closed at once (reset), until `resume()`. */
  refuse(): void {
    this.mode = 'refuse';
  }

  /** From now on new connections are accepted but get no answer, until `resume()`. */
  hold(): void {
    this.mode = 'hold';
  }

  /** Forwards again; connections held meanwhile are connected to the server now. */
  resume(): void {
    this.mode = 'forward';
    for (const client of this.held) this.forward(client);
    this.held.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    client.on('error', () => client.destroy());
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    this.pairs.set(client, undefined);
    client.once('close', () => {
      this.pairs.get(client)?.destroy();
      this.pairs.delete(client);
      this.held.delete(client);
    });
    if (this.mode === 'hold') {
      // Bytes the client sends meanwhile stay buffered in the socket and are forwarded on resume().
      client.pause();
      this.held.add(client);
      return;
    }
    this.forward(client);
  }

  private forward(client: Socket): void {
    if (client.destroyed) return;
    const upstream = connect(this.target.port, this.target.host);
    this.pairs.set(client, upstream);
    upstream.on('error', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    upstream.pipe(client);
    client.pipe(upstream);
    client.resume();
  }
}
