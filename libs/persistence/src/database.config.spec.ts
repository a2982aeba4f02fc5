import { ConfigError } from '@app/config';
import { dataSourceOptions } from './data-source-options';
import { connectionBudget, readDatabaseConfig } from './database.config';

const EMPTY = { entities: [], migrations: [] };

describe('the database settings', () => {
  it('migrates with DATABASE_URL unless DATABASE_MIGRATION_URL names the owner', () => {
    const serving = 'postgres://oso_broker:pw@db:5432/oso_broker';
    expect(readDatabaseConfig({ DATABASE_URL: serving })).toMatchObject({
      url: serving,
      migrationUrl: serving,
    });
    const owner = 'postgres://owner:secret@db:5432/oso_broker';
    expect(readDatabaseConfig({ DATABASE_URL: serving, DATABASE_MIGRATION_URL: owner })).toMatchObject({
      url: serving,
      migrationUrl: owner,
    });
  });

  it('refuses a DATABASE_MIGRATION_URL that is not a PostgreSQL URL, naming it', () => {
    expect(() => readDatabaseConfig({ DATABASE_MIGRATION_URL: 'mysql://db/x' })).toThrow(ConfigError);
    expect(() => readDatabaseConfig({ DATABASE_MIGRATION_URL: 'mysql://db/x' })).toThrow(
      /DATABASE_MIGRATION_URL/,
    );
  });
});

describe('the pool per process', () => {
  it('is DATABASE_POOL_SIZE, ten unless set, and reaches the driver', () => {
    expect(readDatabaseConfig({}).poolSize).toBe(10);
    expect(readDatabaseConfig({ DATABASE_POOL_SIZE: '4' }).poolSize).toBe(4);
    expect(() => readDatabaseConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(dataSourceOptions('postgres://h/x', EMPTY, { poolSize: 4 }).extra).toMatchObject({ max: 4 });
  });

  it('adds up, over every process, to the connections PostgreSQL must allow', () => {
    expect(
      connectionBudget({
        apiProcesses: 2,
        poolSize: 10,
        sequencerPoolSize: 2,
        listenersPerApiProcess: 1,
        workerPoolSize: 10,
      }),
    ).toBe(36);
  });
});

describe('connections that run as a role', () => {
  it('set the role in the start-up options, and only when asked', () => {
    const url = 'postgres://postgres@127.0.0.1/x';
    expect(dataSourceOptions(url, EMPTY, { runAs: 'oso_broker_runtime' }).extra).toMatchObject({
      options: '-c role=oso_broker_runtime',
    });
    expect(dataSourceOptions(url, EMPTY).extra).not.toHaveProperty('options');
  });

  it('refuse a role name that could smuggle other start-up options', () => {
    for (const role of ['x -c search_path=evil', 'Mixed', '1abc', '', 'a'.repeat(64)]) {
      expect(() => dataSourceOptions('postgres://h/x', EMPTY, { runAs: role })).toThrow(
        'not a plain database role name',
      );
    }
  });
});
