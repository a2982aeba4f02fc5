import { REDIS_CLIENT, REDIS_CONFIG, type RedisConfig, RedisUnreachableError } from '@app/queues';
import {
  RestoredDatabaseError,
  logHighWaterKey,
  logMarkOf,
  raiseLogHighWater,
  resetLogHighWater,
} from '@app/transfers/retention/log-high-water';
import { type INestApplication, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { DataSource } from 'typeorm';

/**
 * How often a serving broker raises the log's high-water mark in Redis. Entries appended in the last
 * interval before a failure may go unnoticed by the check below; everything older is covered.
 */
const RAISE_EVERY_MS = 10_000;

/**
 * Refuses to serve a database restored from an older backup until the purges recorded since are applied
 * again (#14; docs/operator-guide.md, "Backups and restore"). At start: the database's log must reach the
 * high-water mark in Redis (the highest entry id a broker has seen on it); below it, the app is closed and
 * `RestoredDatabaseError` names the fix, `oso db reapply-purges`, which resets the mark. An empty log
 * (a new database) resets it too. While serving, the mark follows the log. No mark (a new Redis, or one
 * flushed) is no evidence either way: the check passes and the mark starts again.
 */
export async function guardAgainstRestoredDatabase(app: INestApplication): Promise<void> {
  const dataSource = app.get(DataSource);
  const redis = app.get<Redis>(REDIS_CLIENT);
  const redisConfig = app.get<RedisConfig>(REDIS_CONFIG);
  let key: string;
  try {
    await untilReady(redis, redisConfig);
    const { databaseName, mark } = await logMarkOf(dataSource.manager);
    key = logHighWaterKey(redisConfig.prefix, databaseName);
    const highWater = await raiseLogHighWater(redis, key, mark);
    // An empty log is a new database (a restore always holds the registry's entries): no payload in it
    // can have been purged, so nothing is to re-apply; the mark starts again from it.
    if (mark === 0n) await resetLogHighWater(redis, key, mark);
    else if (highWater > mark) throw new RestoredDatabaseError(mark, highWater);
  } catch (error) {
    await app.close();
    throw error;
  }
  const logger = new Logger('RestoredDatabaseGuard');
  const timer = setInterval(() => {
    logMarkOf(dataSource.manager)
      .then(({ mark: now }) => raiseLogHighWater(redis, key, now))
      // Redis or PostgreSQL away for a moment: health reports it; the next round catches up.
      .catch((error: unknown) => logger.warn(`log high-water mark not raised: ${(error as Error).name}`));
  }, RAISE_EVERY_MS);
  timer.unref();
  const close = app.close.bind(app);
  app.close = async () => {
    clearInterval(timer);
    await close();
  };
}

/**
 * The shared client connects on its own as the app is built (no offline queue: commands fail rather than
 * wait); the process waited for Redis before, so this is a moment's wait at most.
 */
async function untilReady(redis: Redis, config: RedisConfig): Promise<void> {
  if (redis.status === 'ready') return;
  const timeout = AbortSignal.timeout(config.startupTimeoutSeconds * 1000);
  try {
    await once(redis, 'ready', { signal: timeout });
  } catch (error) {
    throw new RedisUnreachableError(config.url, config.startupTimeoutSeconds, error);
  }
}
