import { BROKER_SCHEMA } from '@app/broker-schema';
import { dataSourceOptions } from '@app/persistence';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { TransferError } from './transfer-error';
import { inTransaction, refuseWhenBusy } from './transfer-transactions';

/**
 * `inTransaction` begins with its lock wait in the same round trip as the begin (#13): the wait still
 * bounds every lock the transaction takes, and stays the transaction's own (`SET LOCAL`), not the
 * pooled connection's, which other users of the pool share.
 */
describe('a transfer transaction', () => {
  let dataSource: DataSource;
  const lockKey = 'transfer-transactions-spec';

  beforeAll(async () => {
    const url = await createSuiteDatabase('transfer_transactions');
    const options = dataSourceOptions(url, BROKER_SCHEMA);
    // One connection: the setting after the transaction is read on the very connection it ran on.
    dataSource = await new DataSource({
      ...options,
      extra: { ...(options.extra as object), max: 1 },
    } as typeof options).initialize();
  });
  afterAll(() => dataSource?.destroy());

  const lockTimeout = async (query: (sql: string) => Promise<Array<{ lock_timeout: string }>>) =>
    (await query('SHOW lock_timeout'))[0].lock_timeout;

  it('waits for a lock at most 3 s, and leaves the pooled connection as it found it', async () => {
    const before = await lockTimeout((sql) => dataSource.query(sql));
    const inside = await inTransaction(dataSource, (manager) => lockTimeout((sql) => manager.query(sql)));
    expect(inside).toBe('3s');
    expect(before).not.toBe('3s');
    expect(await lockTimeout((sql) => dataSource.query(sql))).toBe(before);
  });

  it('commits its work, and rolls it back when the work throws', async () => {
    await dataSource.query('CREATE TABLE IF NOT EXISTS spec_marks (mark text)');
    await inTransaction(dataSource, (manager) => manager.query(`INSERT INTO spec_marks VALUES ('kept')`));
    const failed = await inTransaction(dataSource, async (manager) => {
      await manager.query(`INSERT INTO spec_marks VALUES ('rolled back')`);
      throw new Error('the work failed');
    }).catch((error: unknown) => error);
    expect((failed as Error).message).toBe('the work failed');
    expect(await dataSource.query('SELECT mark FROM spec_marks')).toEqual([{ mark: 'kept' }]);
  });

  it('answers TRANSFER_LINE_BUSY when a lock is held past the wait', async () => {
    const holder = new DataSource(dataSource.options);
    await holder.initialize();
    const runner = holder.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
      const started = Date.now();
      const refusal = await refuseWhenBusy(() =>
        inTransaction(dataSource, (manager) =>
          manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]),
        ),
      ).catch((error: unknown) => error);
      const waited = Date.now() - started;
      expect(refusal).toBeInstanceOf(TransferError);
      expect((refusal as TransferError).code).toBe('TRANSFER_LINE_BUSY');
      expect(waited).toBeGreaterThanOrEqual(2_900);
      expect(waited).toBeLessThan(10_000);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
      await holder.destroy();
    }
  });
});
