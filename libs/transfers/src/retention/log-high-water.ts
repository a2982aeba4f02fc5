import type { EntityManager } from 'typeorm';

/**
 * The exchange log's high-water mark (#14): the highest log entry id a broker has seen in its database,
 * kept in Redis — outside the database, so a database restored from an older backup is recognised: its
 * log ends below the mark. Until `oso db reapply-purges` has applied the purges recorded since (and reset
 * the mark), broker-api refuses to serve (docs/operator-guide.md, "Backups and restore").
 *
 * Only what this needs of a Redis client (ioredis's signatures), so the library needs no Redis package.
 */
export interface HighWaterRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

/**
 * One mark per Redis prefix and database name: brokers sharing a Redis under other prefixes, or test
 * runs with their own databases, never see each other's. A restore must go into the database name the
 * broker uses (it does, when restored in place).
 */
export function logHighWaterKey(prefix: string, databaseName: string): string {
  return `${prefix}:exchange-log:high-water:${databaseName}`;
}

/** Raises the mark to `mark` if it is higher; answers the mark as it was before (0 when there was none). */
const RAISE = `
  local before = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tonumber(ARGV[1]) > before then redis.call('SET', KEYS[1], ARGV[1]) end
  return tostring(before)`;

/** The highest entry id in the database's log and the database's name (0 for an empty log). */
export async function logMarkOf(manager: EntityManager): Promise<{ mark: bigint; databaseName: string }> {
  const [row]: Array<{ mark: string | null; database_name: string }> = await manager.query(
    'SELECT max(id)::text AS mark, current_database() AS database_name FROM exchange_log_entries',
  );
  return { mark: BigInt(row.mark ?? '0'), databaseName: row.database_name };
}

/** Raises the mark (never lowers it); answers the mark Redis held before. */
export async function raiseLogHighWater(redis: HighWaterRedis, key: string, mark: bigint): Promise<bigint> {
  return BigInt(String(await redis.eval(RAISE, 1, key, mark.toString())));
}

export async function readLogHighWater(redis: HighWaterRedis, key: string): Promise<bigint> {
  return BigInt((await redis.get(key)) ?? '0');
}

/** After the recorded purges are applied to a restored database: its log's end becomes the mark. */
export async function resetLogHighWater(redis: HighWaterRedis, key: string, mark: bigint): Promise<void> {
  await redis.set(key, mark.toString());
}

/** The database's log ends below the mark: it was restored (or replaced) since a broker last served it. */
export class RestoredDatabaseError extends Error {
  constructor(
    readonly databaseMark: bigint,
    readonly highWater: bigint,
  ) {
    super(
      `the database's exchange log ends at entry ${databaseMark}, but a broker on it had seen entry ` +
        `${highWater}: the database was restored from an older backup, which may hold payloads purged ` +
        'since; run `oso db reapply-purges --log-export <newer export>` before starting the broker ' +
        '(docs/operator-guide.md, "Backups and restore")',
    );
    this.name = 'RestoredDatabaseError';
  }
}
