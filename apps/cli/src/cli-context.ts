import {
  PersistenceModule,
  connectWithRetry,
  dataSourceOptions,
  migrateWithLock,
  readDatabaseConfig,
} from '@app/persistence';
import { PkiModule, PkiService, readPkiConfig } from '@app/pki';
import { RegistryModule, RegistryService } from '@app/registry';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { Environment } from '@app/config';

export interface CliContext {
  registry: RegistryService;
  pki: PkiService;
  close(): Promise<void>;
}

/** Applies pending migrations (under the shared advisory lock), so every command sees the current schema. */
export async function migrateDatabase(env: Environment = process.env): Promise<string[]> {
  const database = readDatabaseConfig(env);
  const dataSource = await connectWithRetry(new DataSource(dataSourceOptions(database.url)), database);
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
  const database = readDatabaseConfig(env);
  const pkiConfig = readPkiConfig(env);
  await migrateDatabase(env);

  @Module({ imports: [PersistenceModule.forRoot(database), RegistryModule, PkiModule.forRoot(pkiConfig)] })
  class CliModule {}

  const app: INestApplicationContext = await NestFactory.createApplicationContext(CliModule, {
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
