import { DATABASE_BUSY_RETRY_AFTER_SECONDS, databaseBusyReason } from '@app/persistence/database-busy';
import { joinStepTransaction } from '@app/persistence/step-participants';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { LineTurnTimeout, LineTurns } from './line-turns';
import { TransferError } from './transfer-error';
import type { EntryTrail } from './transfer-events';

/*
 * How the exchange's use cases hold the database: transactions whose waits end, and a pupil's line.
 * State changes themselves are in `transfer-state-changes.ts`; the tables' SQL in the repositories.
 */
/**
 * How long a transaction waits for a lock (a pupil's line, a transfer's row) before answering 503:
 * longer than storing a 20 MB version takes, below the pool's 5-second connection timeout, so that
 * waiters give their connections back before requests waiting for one give up.
 */
const LOCK_WAIT_MS = 3000;

/**
 * How long a request waits in this process for its turn on a pupil's line, before it takes a connection.
 * Below LOCK_WAIT_MS: a burst for one pupil answers within about two seconds, the ones left over 503.
 */
const LINE_TURN_WAIT_MS = 1500;

/** This process's queue per pupil's line (see `LineTurns`). */
const lineTurns = new LineTurns();

/**
 * Runs a use case whose waits end: for a connection (the pool's timeout) and for locks (`lock_timeout`).
 * Either wait running out means the broker is busy, not broken: a 503 with Retry-After, nothing changed.
 */
export async function refuseWhenBusy<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const busy = error instanceof LineTurnTimeout ? 'lock_timeout' : databaseBusyReason(error);
    if (busy === 'lock_timeout') {
      throw new TransferError(
        'TRANSFER_LINE_BUSY',
        'unavailable',
        `Another request for this pupil at this school is being handled; nothing was changed. Retry after ${DATABASE_BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        DATABASE_BUSY_RETRY_AFTER_SECONDS,
      );
    }
    if (busy === 'pool_exhausted') {
      throw new TransferError(
        'DATABASE_BUSY',
        'unavailable',
        `The broker is too busy to handle this request now; nothing was changed. Retry after ${DATABASE_BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        DATABASE_BUSY_RETRY_AFTER_SECONDS,
      );
    }
    throw error;
  }
}

/** How TypeORM begins a transaction (`startTransaction` at depth 0, no isolation level given). */
const TYPEORM_BEGIN = 'START TRANSACTION';

/**
 * The same, with the transaction's lock wait, sent as one simple-protocol message: one round trip
 * where `SET LOCAL` after the begin took a second (#13). Per transaction, not per connection: the
 * registry's changes, retention sweeps, key rotation and audited reads share the pool and wait for
 * their locks without bound.
 */
const BEGIN_WITH_LOCK_WAIT = `${TYPEORM_BEGIN}; SET LOCAL lock_timeout = ${LOCK_WAIT_MS}`;

/**
 * A transaction that waits for a lock at most LOCK_WAIT_MS (see `refuseWhenBusy` for the answer).
 * TypeORM's own transaction (`EntityManager.transaction`), on a query runner whose begin carries the
 * lock wait.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let bounded = false;
  const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) => {
    if (sql !== TYPEORM_BEGIN || bounded) return query(sql, ...rest);
    bounded = true;
    return query(BEGIN_WITH_LOCK_WAIT, ...rest);
  }) as QueryRunner['query'];
  try {
    return await runner.manager.transaction(async (manager) => {
      // A bug, not a refusal: a TypeORM that begins otherwise would leave the lock wait unbounded.
      if (!bounded) throw new Error('the transaction began without its lock wait');
      return work(manager);
    });
  } finally {
    await runner.release();
  }
}

/**
 * `inTransaction` for a step that changes transfers: the events it noted on `trail` are recorded in the
 * same transaction, together, after `work` and before the commit — or the whole step rolls back.
 */
export function inRecordedTransaction<T>(
  dataSource: DataSource,
  trail: EntryTrail,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return inTransaction(dataSource, async (manager) => {
    const result = await work(manager);
    await trail.recordIn(manager);
    // A request's Idempotency-Key is recorded here, so the step and its key commit together (#14).
    await joinStepTransaction(manager);
    return result;
  });
}

/** A pupil at a sending school: the unit that staging and requests for that pupil serialise on. */
export interface Line {
  sourceSchoolId: string;
  pupilKeyHash: string;
}

/**
 * `inRecordedTransaction` on a pupil's line: first this process's turn on the line (no connection held
 * while waiting), then the transaction takes the line's advisory lock (other processes) before `work`.
 */
export function inLineTransaction<T>(
  dataSource: DataSource,
  trail: EntryTrail,
  line: Line,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return lineTurns.take(lineKey(line.sourceSchoolId, line.pupilKeyHash), LINE_TURN_WAIT_MS, () =>
    inRecordedTransaction(dataSource, trail, async (manager) => {
      await lockLine(manager, line.sourceSchoolId, line.pupilKeyHash);
      return work(manager);
    }),
  );
}

function lineKey(sourceSchoolId: string, pupilKeyHash: string): string {
  return `transfer-line:${sourceSchoolId}:${pupilKeyHash}`;
}

/** Serialises staging and requests for one pupil at one school, so versions and matches never race. */
export async function lockLine(
  manager: EntityManager,
  sourceSchoolId: string,
  pupilKeyHash: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    lineKey(sourceSchoolId, pupilKeyHash),
  ]);
}
