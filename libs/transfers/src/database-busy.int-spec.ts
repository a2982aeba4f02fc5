import { BROKER_SCHEMA } from '@app/broker-schema';
import { dataSourceOptions } from '@app/persistence';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { TransferError } from './transfer-error';
import { refuseWhenBusy } from './transfer-transactions';

/**
 * `DATABASE_BUSY` from a real exhausted pool: node-postgres gives up waiting for a connection, and every
 * use case (wrapped in `refuseWhenBusy`) turns that into "busy, retry" instead of a 500. Through the API
 * the pool (10) outlasts the line-lock wait (3 s), so this is where the code is provoked at will.
 */
describe('a database with no free connection', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const url = await createSuiteDatabase('database_busy');
    const options = dataSourceOptions(url, BROKER_SCHEMA);
    dataSource = await new DataSource({
      ...options,
      connectTimeoutMS: 300,
      extra: { ...(options.extra as object), max: 1 },
    } as typeof options).initialize();
  });
  afterAll(() => dataSource?.destroy());

  it('is answered DATABASE_BUSY with a Retry-After, and serves again once a connection is free', async () => {
    const holder = dataSource.createQueryRunner();
    await holder.connect(); // the pool's only connection
    let refusal: unknown;
    try {
      refusal = await refuseWhenBusy(() => dataSource.query('SELECT 1')).catch((error: unknown) => error);
    } finally {
      await holder.release();
    }
    expect(refusal).toBeInstanceOf(TransferError);
    const { code, kind, retryAfterSeconds } = refusal as TransferError;
    expect([code, kind]).toEqual(['DATABASE_BUSY', 'unavailable']);
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(await refuseWhenBusy(() => dataSource.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });
});
