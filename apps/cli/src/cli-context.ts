import type { Environment } from '@app/config';
import type { PkiService } from '@app/pki';
import type { RegistryService } from '@app/registry';

// NestJS, TypeORM and the libraries behind the registry and the PKI are loaded here only when a command
// opens a context, never when the `oso` command tree is built: `oso --help` must not pay for them.

export interface CliContext {
  registry: RegistryService;
  pki: PkiService;
  close(): Promise<void>;
}

/** Applies pending migrations (under the shared advisory lock), so every command sees the current schema. */
export async function migrateDatabase(env: Environment = process.env): Promise<string[]> {
  const { connectWithRetry, dataSourceOptions, migrateWithLock, readDatabaseConfig } =
    await import('@app/persistence');
  const { BROKER_SCHEMA } = await import('@app/broker-schema');
  const { DataSource } = await import('typeorm');
  // As the schema's owner: the login in DATABASE_URL may be the broker's runtime login.
  const database = readDatabaseConfig(env);
  const owner = { ...database, url: database.migrationUrl };
  const dataSource = await connectWithRetry(
    new DataSource(dataSourceOptions(owner.url, BROKER_SCHEMA)),
    owner,
  );
  try {
    return await migrateWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * A Nest application context without HTTP, holding the registry and the PKI, for one CLI command.
 * The schema is brought up to date first: a newcomer's first command should just work.
 */
export async function openCliContext(env: Environment = process.env): Promise<CliContext> {
  const { PersistenceModule, readDatabaseConfig } = await import('@app/persistence');
  const { BROKER_SCHEMA } = await import('@app/broker-schema');
  const { PkiModule, PkiService, readPkiConfig } = await import('@app/pki');
  const { RegistryModule, RegistryService } = await import('@app/registry');
  const { OSO_CLI_ACTOR, registryLogRecorder } =
    await import('@app/exchange-log/registry-events/registry-log-recorder');
  const { Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const database = readDatabaseConfig(env);
  const pkiConfig = readPkiConfig(env);
  await migrateDatabase(env);

  @Module({
    imports: [
      PersistenceModule.forRoot(database, BROKER_SCHEMA),
      // Every registry and certificate change an operator makes lands in the exchange log.
      RegistryModule.forRoot({ eventRecorder: registryLogRecorder(OSO_CLI_ACTOR) }),
      PkiModule.forRoot(pkiConfig),
    ],
  })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, {
    logger: ['error'],
    abortOnError: false,
  });
  return {
    registry: app.get(RegistryService),
    pki: app.get(PkiService),
    close: () => app.close(),
  };
}

/** Runs `work` inside a CLI context and always closes it. */
export async function withCliContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const context = await openCliContext();
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
