import { createServer } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { dataSourceOptions } from './data-source-options';
import { isDatabaseUnavailable } from './database-unavailable';

/** The errors real PostgreSQL and node-postgres give, told apart: an outage, or something else. */
describe('telling a database outage from other database errors', () => {
  let url: string;
  let admin: Client;
  let dataSource: DataSource;
  const database = () => new URL(url).pathname.slice(1);

  beforeAll(async () => {
    // Outages, not tables, are under test: an empty database and no entities keep this suite domain-free.
    url = await createSuiteDatabase('database_unavailable', { migrate: false });
    admin = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    dataSource = await new DataSource(dataSourceOptions(url, { entities: [], migrations: [] })).initialize();
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${database()}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await dataSource?.destroy();
    await admin?.end();
  });

  const connectError = async (connectionString: string) => {
    const client = new Client({ connectionString, connectionTimeoutMillis: 5_000 });
    return client.connect().then(
      () => client.end().then(() => null),
      (error: unknown) => error,
    );
  };

  it('an outage: nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const error = await connectError(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('an outage: the database refuses connections, and the broker’s connection was ended', async () => {
    const query = dataSource.query('SELECT pg_sleep(5)').catch((error: unknown) => error);
    await admin.query(`ALTER DATABASE "${database()}" ALLOW_CONNECTIONS false`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database()],
    );
    expect(isDatabaseUnavailable(await query)).toBe(true);
    expect(isDatabaseUnavailable(await connectError(url))).toBe(true);
    await admin.query(`ALTER DATABASE "${database()}" ALLOW_CONNECTIONS true`);
  });

  it('an outage: the connection is cut under a running query, as a server restart does (issue #14)', async () => {
    const proxy = await TcpProxy.forUrl(url);
    const throughProxy = await new DataSource(
      dataSourceOptions(proxy.through(url), { entities: [], migrations: [] }),
    ).initialize();
    try {
      const queries = [0, 1].map(() =>
        throughProxy.query('SELECT pg_sleep(5)').catch((error: unknown) => error),
      );
      for (const deadline = Date.now() + 10_000; proxy.openConnections < 2 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      proxy.cut();
      proxy.refuse();
      for (const error of await Promise.all(queries)) {
        expect(error).toBeInstanceOf(Error);
        expect(isDatabaseUnavailable(error)).toBe(true);
      }
      expect(
        isDatabaseUnavailable(await throughProxy.query('SELECT 1').catch((error: unknown) => error)),
      ).toBe(true);
    } finally {
      await throughProxy.destroy().catch(() => undefined);
      await proxy.close();
    }
  });

  it('no outage: a query the server refuses, a database that does not exist, or a plain bug', async () => {
    const syntax = await dataSource.query('SELEC 1').catch((error: unknown) => error);
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    const missing = await connectError(url.replace(/\/[^/]+$/, '/no_such_database_here'));
    expect(isDatabaseUnavailable(missing)).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
