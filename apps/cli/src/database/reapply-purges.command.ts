import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { migrateDatabase } from '../cli-context';
import { CommandExit, UsageError, say } from '../output';
import {
  type ExportedPurges,
  UnusableExportError,
  exportedLogLines,
  readExportedPurges,
} from './recorded-purges-export';

/** Exit code of a refusal: the export does not verify, or does not reach what the broker had seen. */
const EXIT_REFUSED = 1;

interface ReapplyOptions {
  logExport: string;
  logKey?: string;
  acceptUnexported?: boolean;
}

/**
 * `oso db reapply-purges --log-export <file>`: after restoring the database from a backup, puts back the
 * exchange log's entries written after the backup (so the log does not fork), destroys again
 * every payload the exchange log records as destroyed since (docs/operator-guide.md, "Backups and
 * restore"), runs retention's deadlines at today's date, and resets the log's high-water mark so that
 * broker-api serves again.
 */
export function reapplyPurgesCommand(): Command {
  return new Command('reapply-purges')
    .description(
      "after a restore: put the exchange log's tail back, destroy again the payloads it records as purged, then let the broker serve",
    )
    .requiredOption(
      '--log-export <file>',
      'an export of the whole log newer than the backup (`oso audit export`)',
    )
    .option('--log-key <file>', "the log's public verifier key (default: EXCHANGE_LOG_KEY_FILE's .pub)")
    .option(
      '--accept-unexported',
      "go on although the export ends before the last entry a broker had seen (the purges in between are lost; retention's deadlines still apply)",
    )
    .action(async (options: ReapplyOptions) => {
      try {
        await reapplyPurges(options);
      } catch (error) {
        if (!(error instanceof UnusableExportError)) throw error;
        process.stderr.write(`oso: ${error.message}\n`);
        throw new CommandExit(EXIT_REFUSED);
      }
    });
}

async function reapplyPurges(options: ReapplyOptions): Promise<void> {
  const { readLogKeyConfig } = await import('@app/exchange-log');
  const keyFile = options.logKey ?? readLogKeyConfig().verifierKeyFile;
  let verifierKey: string;
  try {
    verifierKey = readFileSync(keyFile, 'utf8').trim();
  } catch (error) {
    throw new UsageError(
      `cannot read the log key ${keyFile}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const exported = await readExportedPurges(options.logExport, verifierKey);
  say(
    `export verified: ${exported.treeSize} entries under its signed checkpoint, ` +
      `${exported.purges.length} recorded purge(s)`,
  );
  // A restored database from an older schema is brought up to date first, as the broker would.
  await migrateDatabase();
  await withDatabaseAndRedis(async ({ dataSource, redis, prefix }) => {
    const retention = await import('@app/transfers/retention');
    const { TRANSFER_LOG_RECORDER } = await import('@app/transfer-log-recorder');
    const before = await retention.logMarkOf(dataSource.manager);
    const key = retention.logHighWaterKey(prefix, before.databaseName);
    const highWater = await retention.readLogHighWater(redis, key);
    // Entries up to the mark must be in the export or, after a run that put the tail back and a broker
    // that served since, in the database's own log (which the tail check below finds consistent with it).
    const reached = exported.lastEntryId > before.mark ? exported.lastEntryId : before.mark;
    if (reached < highWater && !options.acceptUnexported)
      throw new UnusableExportError(
        `the export ends at entry ${exported.lastEntryId}, but a broker on this database had seen entry ` +
          `${highWater}: purges recorded in between would not be applied. Use a newer export, or ` +
          '--accept-unexported when no newer copy of the log exists',
      );
    // The log first: the entries written after the backup go back in, so what this command appends comes
    // after them and the log does not fork from the checkpoints clients hold.
    // In the same transaction, the restored transfers the tail speaks of are caught up with it, so no worker
    // releases one again and a withdrawal or retraction after the backup still holds.
    const tail = await putBackLogTail(options.logExport, exported, before.mark);
    say(
      tail.treeSize > tail.restoredSize
        ? `exchange log: ${tail.treeSize - tail.restoredSize} entries after the backup put back ` +
            `(${tail.insertedEntries} inserted), ${tail.treeSize} entries under the export's checkpoint`
        : `exchange log: the restored log already holds the export's ${exported.treeSize} entries`,
    );
    for (const line of caughtUpReport(tail.followUp)) say(line);
    const now = new Date();
    const reapplied = await retention.reapplyRecordedPurges(dataSource, exported.purges, now);
    say(
      `recorded purges: ${reapplied.destroyed} payload(s) destroyed again, ${reapplied.alreadyGone} already ` +
        `gone, ${reapplied.unknown} of version(s) this database does not hold`,
    );
    // Deadlines that passed since the backup are deterministic: retention's own sweep, at today's date.
    const settings = retention.readRetentionSettings();
    const swept = await retention.purgeOverduePayloads(
      dataSource,
      TRANSFER_LOG_RECORDER,
      settings.payloadTerms,
      now,
    );
    say(`retention today: ${swept.payloads} payload(s) destroyed, ${swept.transfers} transfer(s) purged`);
    const after = await retention.logMarkOf(dataSource.manager);
    await retention.resetLogHighWater(redis, key, after.mark);
    say(`the broker may serve this database: its log's high-water mark is now entry ${after.mark}`);
  });
}

/**
 * Runs as the database login itself (the schema owner that migrates), not the runtime role: it writes
 * entries with their own ids and advances the id sequence, which the runtime role may not.
 */
async function putBackLogTail(file: string, exported: ExportedPurges, restoredEnd: bigint) {
  const { connectWithRetry, dataSourceOptions, readDatabaseConfig } = await import('@app/persistence');
  const { BROKER_SCHEMA } = await import('@app/broker-schema');
  const { LogTailMismatchError, restoreLogTail } = await import('@app/exchange-log/storage/restore-log-tail');
  const { appendExchangeEvents } = await import('@app/exchange-log');
  const { catchUpRestoredTransfers, RESTORE_CATCH_UP_EVENTS } = await import('@app/transfers/retention');
  const { BROKER_ACTOR_ID } = await import('@app/transfer-log-recorder');
  const { DataSource } = await import('typeorm');
  const database = readDatabaseConfig();
  const owner = await connectWithRetry(
    new DataSource(
      dataSourceOptions(database.url, BROKER_SCHEMA, {
        applicationName: 'oso-restore-log-tail',
        poolSize: 1,
      }),
    ),
    database,
  );
  try {
    return await restoreLogTail(owner, exportedLogLines(file), exported.checkpoint, async (manager) => {
      const caughtUp = await catchUpRestoredTransfers(manager, restoredEnd, exported.lastEntryId, new Date());
      // Each change on the record as the broker's own step, after the tail it follows from.
      await appendExchangeEvents(
        manager,
        caughtUp.map((change) => ({
          type: 'state_reconciled' as const,
          at: change.at,
          actor: { kind: 'broker' as const, id: BROKER_ACTOR_ID },
          schools: change.schools,
          transferId: change.transferId,
          details: { from: change.from, to: change.to, event: RESTORE_CATCH_UP_EVENTS[change.kind] },
        })),
      );
      return caughtUp;
    });
  } catch (error) {
    if (error instanceof LogTailMismatchError)
      throw new UnusableExportError(
        `${error.message}; the backup and the export are not of the same log: nothing was changed`,
      );
    throw error;
  } finally {
    await owner.destroy();
  }
}

/** Per kind and state, how many restored transfers were caught up with the log, and which (ids only). */
function caughtUpReport(
  caughtUp: ReadonlyArray<{ transferId: string; kind: 'broughtForward' | 'held'; to: string }>,
): string[] {
  if (caughtUp.length === 0) return ['restored transfers: none behind their log'];
  const groups = new Map<string, string[]>();
  for (const change of caughtUp) {
    const label =
      change.kind === 'held'
        ? `held in blocked (the log says the gate or the schools moved on; a new instruction is needed)`
        : `brought forward to ${change.to}`;
    groups.set(label, [...(groups.get(label) ?? []), change.transferId]);
  }
  return [...groups].map(([label, ids]) => `restored transfers ${label}: ${ids.length} — ${ids.join(', ')}`);
}

async function withDatabaseAndRedis<T>(
  work: (context: {
    dataSource: import('typeorm').DataSource;
    redis: import('ioredis').Redis;
    prefix: string;
  }) => Promise<T>,
): Promise<T> {
  const { connectWithRetry, dataSourceOptions, readDatabaseConfig } = await import('@app/persistence');
  const { BROKER_SCHEMA } = await import('@app/broker-schema');
  const { BROKER_RUNTIME_ROLE } = await import('@app/exchange-log');
  const { readRedisConfig, waitForRedis } = await import('@app/queues');
  const { DataSource } = await import('typeorm');
  const { Redis } = await import('ioredis');
  const database = readDatabaseConfig();
  const redisConfig = readRedisConfig();
  await waitForRedis(redisConfig);
  // As the broker acts: the runtime role may destroy payloads and append to the log, nothing more.
  const dataSource = await connectWithRetry(
    new DataSource(
      dataSourceOptions(database.url, BROKER_SCHEMA, {
        runAs: BROKER_RUNTIME_ROLE,
        applicationName: 'oso-reapply-purges',
        poolSize: 2,
      }),
    ),
    database,
  );
  const redis = new Redis(redisConfig.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    await redis.connect();
    return await work({ dataSource, redis, prefix: redisConfig.prefix });
  } finally {
    redis.disconnect();
    await dataSource.destroy();
  }
}
