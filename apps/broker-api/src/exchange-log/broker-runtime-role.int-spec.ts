import { BROKER_RUNTIME_PRIVILEGES, BROKER_RUNTIME_ROLE } from '@app/broker-schema';
import { EXCHANGE_LOG_TABLES } from '@app/exchange-log';
import { BROKER_SCHEMA } from '@app/broker-schema';
import {
  DatabaseRoleRefusedError,
  connectWithRetry,
  dataSourceOptions,
  migrateWithLock,
} from '@app/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { validBsns } from '../../../../test/support/dossier-pupil';
import { ExchangeLogSequencerService } from './exchange-log-sequencer.service';

/**
 * The broker serves as `oso_broker_runtime`, on every connection it has (the request pool and the
 * sequencer's), with the same superuser URL `npm start` and the tests use: a bug or an injection in the
 * broker cannot change or remove a log row, whatever the login. Migrations ran as the owner before.
 */
const SOURCE = '01XZ00';
const TARGET = '02XZ00';
const [BSN] = validBsns(1, 32_000_000);
const SCHOOLS = [
  { code: SOURCE, name: 'Basisschool', sector: 'PO' },
  { code: TARGET, name: 'College', sector: 'VO' },
] as const;
const VENDORS = { vo: { id: 'vo-las', receives: [TARGET] } };

type PgError = Error & { code?: string };

describe('the broker runs as the exchange log’s runtime role', () => {
  let exchange: Exchange<'vo'>;
  let broker: RunningBroker;
  let owner: Client;
  let entryId: string;
  const pools: Record<'requests' | 'sequencer', () => DataSource> = {
    requests: () => broker.app.get(DataSource),
    sequencer: () => broker.app.get(ExchangeLogSequencerService).connections!,
  };

  beforeAll(async () => {
    exchange = await startExchange({ suite: 'broker_runtime_role', schools: SCHOOLS, vendors: VENDORS });
    ({ broker, database: owner } = exchange);
    const { vo } = exchange.clients;
    // The exchange works as that role: the request, its history and its log entry are written.
    const requested = await vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: { bsn: BSN, geboortedatum: '2014-06-02' },
    });
    // With the answer's body: a refusal then says which (a CI run once saw a 500 here, not reproduced).
    expect({ status: requested.status, body: requested.body }).toMatchObject({ status: 201 });
    const { rows } = await owner.query(
      `SELECT id FROM ${EXCHANGE_LOG_TABLES.entries} WHERE transfer_id = $1`,
      [requested.body.id],
    );
    expect(rows).toHaveLength(1);
    entryId = String(rows[0].id);
  });

  afterAll(() => exchange?.close());

  const refusal = (pool: DataSource, statement: string, parameters: unknown[] = []) =>
    pool.query(statement, parameters).then(
      () => {
        throw new Error(`the broker's connection was allowed: ${statement}`);
      },
      (error: PgError) => error,
    );

  it.each(Object.keys(pools) as (keyof typeof pools)[])(
    'the %s pool acts as the runtime role from its first statement, and RESET ROLE keeps it',
    async (pool) => {
      const runner = pools[pool]().createQueryRunner();
      try {
        expect(await runner.query('SELECT current_user AS role')).toEqual([{ role: BROKER_RUNTIME_ROLE }]);
        await runner.query('RESET ROLE');
        expect(await runner.query('SELECT current_user AS role')).toEqual([{ role: BROKER_RUNTIME_ROLE }]);
      } finally {
        await runner.release();
      }
    },
  );

  it.each(Object.keys(pools) as (keyof typeof pools)[])(
    'the %s pool is refused UPDATE, DELETE and TRUNCATE of a log row',
    async (pool) => {
      const { entries } = EXCHANGE_LOG_TABLES;
      for (const [statement, parameters] of [
        [`UPDATE ${entries} SET actor_id = 'someone-else' WHERE id = $1`, [entryId]],
        [`DELETE FROM ${entries} WHERE id = $1`, [entryId]],
        [`TRUNCATE ${entries} CASCADE`, []],
      ] as const) {
        const error = await refusal(pools[pool](), statement, [...parameters]);
        expect(error.code).toBe('42501');
        expect(error.message).toBe(`permission denied for table ${entries}`);
      }
      const { rows } = await owner.query(`SELECT actor_id FROM ${entries} WHERE id = $1`, [entryId]);
      expect(rows).toEqual([{ actor_id: 'vo-las' }]);
    },
  );

  it('is refused what the broker never does elsewhere: rewriting history, deleting transfers', async () => {
    const requests = pools.requests();
    for (const statement of [
      `UPDATE transfer_history SET actor = 'broker'`,
      'DELETE FROM transfer_history',
      'DELETE FROM transfers',
      'DELETE FROM mandates',
      `INSERT INTO schema_migrations (timestamp, name) VALUES (1, 'Forged1')`,
    ]) {
      expect((await refusal(requests, statement)).code).toBe('42501');
    }
  });

  it('holds exactly the declared rights on every table, and nothing on a table nobody declared', async () => {
    const { rows } = await owner.query(
      `SELECT c.relname AS table,
              array_remove(ARRAY[
                CASE WHEN has_table_privilege($1, c.oid, 'SELECT') THEN 'SELECT' END,
                CASE WHEN has_table_privilege($1, c.oid, 'INSERT') THEN 'INSERT' END,
                CASE WHEN has_table_privilege($1, c.oid, 'UPDATE') THEN 'UPDATE' END,
                CASE WHEN has_table_privilege($1, c.oid, 'DELETE') THEN 'DELETE' END,
                CASE WHEN has_table_privilege($1, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
                CASE WHEN has_table_privilege($1, c.oid, 'REFERENCES') THEN 'REFERENCES' END,
                CASE WHEN has_table_privilege($1, c.oid, 'TRIGGER') THEN 'TRIGGER' END
              ], NULL) AS privileges
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY c.relname`,
      [BROKER_RUNTIME_ROLE],
    );
    const granted = Object.fromEntries(rows.map((row) => [row.table, row.privileges]));
    expect(granted).toEqual(
      Object.fromEntries(Object.entries(BROKER_RUNTIME_PRIVILEGES).map(([t, p]) => [t, [...p]])),
    );

    // A table a later migration creates gets nothing unless that migration grants it.
    await owner.query('CREATE TABLE runtime_role_probe (id integer)');
    try {
      const [{ allowed }] = (
        await owner.query(`SELECT has_table_privilege($1, 'runtime_role_probe', 'SELECT') AS allowed`, [
          BROKER_RUNTIME_ROLE,
        ])
      ).rows;
      expect(allowed).toBe(false);
    } finally {
      await owner.query('DROP TABLE runtime_role_probe');
    }
  });
});

/**
 * Production's recipe (docs/operator-guide.md, "Database roles"): the broker logs in as a user that is
 * nothing but a member of the runtime role; only migrations use the owner. Then even a statement that
 * tries to take another role is refused.
 */
describe('the broker on a login of its own (production)', () => {
  const login = `oso_broker_${process.env.TEST_RUN_ID}`;
  const outsider = `oso_outsider_${process.env.TEST_RUN_ID}`;
  let exchange: Exchange<'vo'>;
  let broker: RunningBroker;
  let owner: Client;
  let loginUrl: string;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'broker_runtime_login',
      schools: SCHOOLS,
      vendors: VENDORS,
      beforeBroker: async ({ databaseUrl }) => {
        // Its own connection: it drops the roles after the exchange (and its connections) closed.
        owner = new Client({ connectionString: databaseUrl });
        await owner.connect();
        // Roles belong to the cluster: named after the run, dropped after it.
        await owner.query(`CREATE ROLE ${login} LOGIN IN ROLE ${BROKER_RUNTIME_ROLE}`);
        await owner.query(`CREATE ROLE ${outsider} LOGIN`);
        const url = new URL(databaseUrl);
        url.username = login;
        loginUrl = url.toString();
        return { DATABASE_URL: loginUrl };
      },
    });
    ({ broker } = exchange);
  });

  afterAll(async () => {
    await exchange?.close();
    const database = owner ? (await owner.query('SELECT current_database() AS name')).rows[0].name : null;
    if (owner && database) {
      await owner
        .query(`REVOKE ALL ON DATABASE "${database}" FROM ${login}, ${outsider}`)
        .catch(() => undefined);
      await owner.query(`DROP OWNED BY ${login}, ${outsider}`).catch(() => undefined);
      await owner.query(`DROP ROLE IF EXISTS ${login}`);
      await owner.query(`DROP ROLE IF EXISTS ${outsider}`);
    }
    await owner?.end();
  });

  it('starts as that login: nothing to migrate, the exchange works, the log and other roles are out of reach', async () => {
    // What main.ts does first, as the login: with the schema current, migrating needs no owner rights.
    const migrator = await connectWithRetry(new DataSource(dataSourceOptions(loginUrl, BROKER_SCHEMA)), {
      url: loginUrl,
      startupTimeoutSeconds: 5,
    });
    try {
      expect(await migrateWithLock(migrator)).toEqual([]);
    } finally {
      await migrator.destroy();
    }

    const requested = await exchange.clients.vo.post('/v1/transfers', {
      targetSchool: TARGET,
      sourceSchool: SOURCE,
      pupil: { bsn: BSN, geboortedatum: '2014-06-02' },
    });
    expect(requested.status).toBe(201);
    const requests = broker.app.get(DataSource);
    expect(await requests.query('SELECT session_user AS login, current_user AS role')).toEqual([
      { login, role: BROKER_RUNTIME_ROLE },
    ]);
    const attempts: string[] = [];
    for (const statement of [
      'SET ROLE postgres',
      `UPDATE ${EXCHANGE_LOG_TABLES.entries} SET actor_id = 'someone-else'`,
      `DELETE FROM ${EXCHANGE_LOG_TABLES.entries}`,
    ]) {
      await requests.query(statement).then(
        () => attempts.push(`allowed: ${statement}`),
        (error: PgError) => attempts.push(error.code ?? 'no code'),
      );
    }
    expect(attempts).toEqual(['42501', '42501', '42501']);
  });

  it('refuses to start on a login that is not a member of the runtime role, saying what to do', async () => {
    const url = new URL(loginUrl);
    url.username = outsider;
    const attempt = connectWithRetry(
      new DataSource(dataSourceOptions(url.toString(), BROKER_SCHEMA, { runAs: BROKER_RUNTIME_ROLE })),
      { url: url.toString(), startupTimeoutSeconds: 5 },
    );
    await expect(attempt).rejects.toThrow(DatabaseRoleRefusedError);
    await expect(attempt).rejects.toThrow(
      /permission denied to set role "oso_broker_runtime".*grant the role/,
    );
  });
});
