import { type Server, type Socket, connect, createServer } from 'node:net';
import { Client } from 'pg';
import { TcpProxy } from './tcp-proxy';

/**
 * The proxy the fault tests put between the broker and PostgreSQL/Redis: against an echo server (what
 * each mode does to bytes and connections) and against the real PostgreSQL (a session through it ends
 * on `cut()`, a new one is refused meanwhile and works again after `resume()`).
 */
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const GUARD_MS = 10_000;

/** A client connection to the proxy that records what it reads and how it ended. */
class Probe {
  readonly socket: Socket;
  received = '';
  closed = false;
  readonly connected: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  async until(what: string, check: () => boolean): Promise<void> {
    for (const deadline = Date.now() + GUARD_MS; !check();) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('TcpProxy', () => {
  let echo: Server;
  let echoPort: number;
  /** The remote port of each connection the echo server accepted: the proxy's upstream local port. */
  const echoPeers: number[] = [];
  let proxy: TcpProxy;
  const probes: Probe[] = [];
  const probe = () => {
    const made = new Probe(proxy.port);
    probes.push(made);
    return made;
  };

  beforeAll(async () => {
    echo = createServer((socket) => {
      echoPeers.push(socket.remotePort as number);
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    echoPort = (echo.address() as { port: number }).port;
  });

  beforeEach(async () => {
    echoPeers.length = 0;
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: echoPort });
  });

  afterEach(async () => {
    for (const made of probes.splice(0)) made.socket.destroy();
    await proxy.close();
  });

  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it('forwards both ways and says which client port an upstream connection belongs to', async () => {
    const client = probe();
    await client.connected;
    client.socket.write('ping');
    await client.until('the echo', () => client.received === 'ping');
    expect(proxy.accepted).toBe(1);
    expect(proxy.openConnections).toBe(1);
    // The echo server sees the proxy's upstream socket; its remote port is that socket's local port.
    expect(echoPeers).toHaveLength(1);
    expect(proxy.clientPortFor(echoPeers[0])).toBe(client.socket.localPort);
    expect(proxy.clientPortFor(1)).toBeUndefined();
  });

  it('cut() ends every open connection; new ones still forward', async () => {
    const [first, second] = [probe(), probe()];
    await Promise.all([first.connected, second.connected]);
    await first.until('both proxied', () => proxy.openConnections === 2);
    proxy.cut();
    await first.until('both closed', () => first.closed && second.closed);
    expect(proxy.openConnections).toBe(0);
    const third = probe();
    third.socket.write('again');
    await third.until('the echo', () => third.received === 'again');
  });

  it('refuse() closes new connections at once without forwarding; resume() forwards again', async () => {
    proxy.refuse();
    const refused = probe();
    refused.socket.write('lost');
    await refused.until('the refused connection closes', () => refused.closed);
    expect(refused.received).toBe('');
    expect(proxy.openConnections).toBe(0);
    proxy.resume();
    const later = probe();
    later.socket.write('back');
    await later.until('the echo', () => later.received === 'back');
  });

  it('hold() answers nothing until resume(), then delivers what was sent meanwhile', async () => {
    proxy.hold();
    const held = probe();
    await held.connected;
    held.socket.write('waited');
    // Nothing can come back while held: the proxy has not even connected upstream.
    await held.until('the proxy holds the connection', () => proxy.openConnections === 1);
    expect(echoPeers).toEqual([]);
    expect(held.received).toBe('');
    proxy.resume();
    await held.until('the echo after resume', () => held.received === 'waited');
    expect(held.closed).toBe(false);
  });

  it('stands between the broker and the real PostgreSQL: a cut ends the session, refuse fails, resume heals', async () => {
    const pgProxy = await TcpProxy.forUrl(adminUrl);
    const session = new Client({ connectionString: pgProxy.through(adminUrl) });
    const sessionEnded = new Promise<Error>((resolve) => session.once('error', resolve));
    try {
      await session.connect();
      const { rows } = await session.query<{ port: number }>(
        'SELECT client_port AS port FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      );
      expect(pgProxy.clientPortFor(rows[0].port)).toBeDefined();
      pgProxy.cut();
      pgProxy.refuse();
      expect((await sessionEnded).message).toMatch(/terminated|ECONNRESET|closed/i);
      const refused = new Client({ connectionString: pgProxy.through(adminUrl) });
      await expect(refused.connect()).rejects.toThrow();
      await refused.end().catch(() => undefined);
      pgProxy.resume();
      const healed = new Client({ connectionString: pgProxy.through(adminUrl) });
      await healed.connect();
      expect((await healed.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await healed.end();
    } finally {
      await session.end().catch(() => undefined);
      await pgProxy.close();
    }
  });
});
