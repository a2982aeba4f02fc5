import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { InvalidExchangeEventError } from '../entry/exchange-log-entry';
import { openLogTestDatabase } from '../testing/log-test-database';
import { appendExchangeEvent } from './append-exchange-event';
import { BROKER_RUNTIME_ROLE, EXCHANGE_LOG_TABLES } from './exchange-log-tables';

const TABLES = Object.values(EXCHANGE_LOG_TABLES);

/** One row in every log table, written the way the sequencer writes them. */
async function fillEveryTable(dataSource: DataSource): Promise<void> {
  const { entryId } = await appendExchangeEvent(dataSource.manager, {
    type: 'crl_published',
    at: new Date(),
    actor: { kind: 'broker', id: 'crl-publisher' },
    details: { crlNumber: 1 },
  });
  const hash = Buffer.alloc(32, 7);
  await dataSource.query(`INSERT INTO exchange_log_leaves (leaf_index, entry_id) VALUES (0, $1)`, [entryId]);
  await dataSource.query(`INSERT INTO exchange_log_tree_nodes (level, node_index, hash) VALUES (0, 0, $1)`, [
    hash,
  ]);
  await dataSource.query(
    `INSERT INTO exchange_log_checkpoints (tree_size, root_hash, signed_note, integrated_below_tx)
     VALUES (1, $1, 'note', '0')`,
    [hash],
  );
}

/** Runs `statement` in a transaction that is rolled back whatever happens; returns the error it raised. */
async function refusalOf(
  dataSource: DataSource,
  statement: string,
  before: (manager: EntityManager) => Promise<unknown> = async () => undefined,
): Promise<QueryFailedError & { code?: string }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await before(runner.manager);
    await runner.query(statement);
  } catch (error) {
    return error as QueryFailedError & { code?: string };
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
  throw new Error(`the database accepted: ${statement}`);
}

const UPDATES: Record<string, string> = {
  exchange_log_entries: `UPDATE exchange_log_entries SET actor_id = 'someone-else'`,
  exchange_log_leaves: 'UPDATE exchange_log_leaves SET leaf_index = leaf_index + 1',
  exchange_log_tree_nodes: `UPDATE exchange_log_tree_nodes SET hash = '\\x00'::bytea || substring(hash from 2)`,
  exchange_log_checkpoints: `UPDATE exchange_log_checkpoints SET signed_note = 'forged'`,
};

describe('the exchange log is append-only in PostgreSQL', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('log_append_only');
    await fillEveryTable(dataSource);
  });
  afterAll(() => dataSource?.destroy());

  it('lets the broker runtime role insert and read entries', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SET LOCAL ROLE ${BROKER_RUNTIME_ROLE}`);
      const { entryId } = await appendExchangeEvent(runner.manager, {
        type: 'vendor_added',
        at: new Date(),
        actor: { kind: 'operator', id: 'cli' },
        details: { vendorId: 'vendor-b' },
      });
      const rows = await runner.query('SELECT event_type FROM exchange_log_entries WHERE id = $1', [entryId]);
      expect(rows).toEqual([{ event_type: 'vendor_added' }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it.each(TABLES)('refuses UPDATE, DELETE and TRUNCATE of %s to the broker runtime role', async (table) => {
    const asRuntime = (manager: EntityManager) => manager.query(`SET LOCAL ROLE ${BROKER_RUNTIME_ROLE}`);
    for (const statement of [UPDATES[table], `DELETE FROM ${table}`, `TRUNCATE ${table} CASCADE`]) {
      const error = await refusalOf(dataSource, statement, asRuntime);
      expect(error.code).toBe('42501');
      expect(error.message).toMatch(new RegExp(`permission denied for table ${table}`));
    }
  });

  it.each(TABLES)('refuses UPDATE, DELETE and TRUNCATE of %s to a superuser, by trigger', async (table) => {
    const [{ rolsuper }] = await dataSource.query(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    expect(rolsuper).toBe(true);
    for (const [statement, operation] of [
      [UPDATES[table], 'UPDATE'],
      [`DELETE FROM ${table}`, 'DELETE'],
      [`TRUNCATE ${table} CASCADE`, 'TRUNCATE'],
    ]) {
      const error = await refusalOf(dataSource, statement);
      expect(error.message).toBe(`the exchange log is append-only: ${operation} on ${table} refused`);
    }
  });

  it('keeps refusing when replication mode would skip ordinary triggers', async () => {
    const error = await refusalOf(dataSource, 'DELETE FROM exchange_log_entries', (manager) =>
      manager.query(`SET LOCAL session_replication_role = replica`),
    );
    expect(error.message).toMatch(/append-only: DELETE on exchange_log_entries refused/);
  });

  it('refuses even a statement that would change no row', async () => {
    const error = await refusalOf(dataSource, 'DELETE FROM exchange_log_entries WHERE false');
    expect(error.message).toMatch(/append-only/);
  });

  it('stores nothing when the event breaks the model', async () => {
    const [{ count: before }] = await dataSource.query('SELECT count(*) FROM exchange_log_entries');
    await expect(
      appendExchangeEvent(dataSource.manager, {
        type: 'request_created',
        at: new Date(),
        actor: { kind: 'vendor', id: 'vendor-a' },
        schools: { source: '12AB00', target: '34CD00' },
        transferId: '0b7e4c1a-52d1-4f0e-9a51-3c2b8f1d6e70',
        details: { reason: '123456782' },
      }),
    ).rejects.toThrow(InvalidExchangeEventError);
    const [{ count: after }] = await dataSource.query('SELECT count(*) FROM exchange_log_entries');
    expect(after).toBe(before);
  });
});
