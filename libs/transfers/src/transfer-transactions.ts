import { databaseBusyReason } from '@app/persistence/database-busy';
import type { SchoolEntity } from '@app/registry';
import { DataSource, EntityManager } from 'typeorm';
import { DossierVersionEntity } from './dossier-version.entity';
import { profileMisfit } from './exchange-profile';
import { TransferError } from './transfer-error';
import { TransferHistoryEntity } from './transfer-history.entity';
import { TransferActor, TransferEvent, TransferState, nextState } from './transfer-lifecycle';
import { TransferEntity } from './transfer.entity';

/*
 * What the exchange's use cases share inside the database: the open states, a pupil's line, transactions
 * whose waits end, and the lifecycle steps with their history.
 */

/** States in which a new version may still replace the staged one. */
export const OPEN_STATES: TransferState[] = [
  'requested',
  'dossier_staged',
  'awaiting_evidence',
  'blocked',
  'release_queued',
];
/**
 * How long a transaction waits for a lock (a pupil's line, a transfer's row) before answering 503:
 * longer than storing a 20 MB version takes, below the pool's 5-second connection timeout, so that
 * waiters give their connections back before requests waiting for one give up.
 */
const LOCK_WAIT_MS = 3000;
const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Runs a use case whose waits end: for a connection (the pool's timeout) and for locks (`lock_timeout`).
 * Either wait running out means the broker is busy, not broken: a 503 with Retry-After, nothing changed.
 */
export async function refuseWhenBusy<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const busy = databaseBusyReason(error);
    if (busy === 'lock_timeout') {
      throw new TransferError(
        'TRANSFER_LINE_BUSY',
        'unavailable',
        `Another request for this pupil at this school is being handled; nothing was changed. Retry after ${BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    if (busy === 'pool_exhausted') {
      throw new TransferError(
        'DATABASE_BUSY',
        'unavailable',
        `The broker is too busy to handle this request now; nothing was changed. Retry after ${BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    throw error;
  }
}

/** A transaction that waits for a lock at most LOCK_WAIT_MS (see `refuseWhenBusy` for the answer). */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL lock_timeout = ${LOCK_WAIT_MS}`);
    return work(manager);
  });
}

/** Serialises staging and requests for one pupil at one school, so versions and matches never race. */
export async function lockLine(
  manager: EntityManager,
  sourceSchoolId: string,
  pupilKeyHash: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `transfer-line:${sourceSchoolId}:${pupilKeyHash}`,
  ]);
}

export async function record(
  manager: EntityManager,
  transfer: TransferEntity,
  event: TransferEvent | 'request',
  fromState: TransferState | null,
  actor: TransferActor,
  actorVendorId: string | null,
  versionId: string | null,
  at: Date,
): Promise<void> {
  const history = manager.getRepository(TransferHistoryEntity);
  await history.insert(
    history.create({
      transferId: transfer.id,
      event,
      fromState,
      toState: transfer.state,
      actor,
      actorVendorId,
      versionId,
      at,
    }),
  );
}

/** Points the transfer at a version and lets the release gate take its first look. */
export async function serveVersion(
  manager: EntityManager,
  transfer: TransferEntity,
  version: DossierVersionEntity,
  actor: TransferActor,
  actorVendorId: string | null,
  now: Date,
): Promise<void> {
  transfer.currentVersionId = version.id;
  await transition(manager, transfer, 'stage_version', actor, actorVendorId, version.id, now);
  // The release gate (next issue) decides here between waiting, blocking and releasing. Until it
  // exists, every staged dossier waits for the evidence the law asks for.
  await transition(manager, transfer, 'await_evidence', 'broker', null, version.id, now);
}

export async function transition(
  manager: EntityManager,
  transfer: TransferEntity,
  event: TransferEvent,
  actor: TransferActor,
  actorVendorId: string | null,
  versionId: string | null,
  now: Date,
): Promise<void> {
  const result = nextState(transfer.state, event, actor);
  if (!result.ok) {
    throw new TransferError(
      result.refusal,
      'conflict',
      `Cannot ${event.replace(/_/g, ' ')} a transfer that is ${transfer.state}.`,
    );
  }
  const from = transfer.state;
  transfer.state = result.state;
  transfer.updatedAt = now;
  await manager.getRepository(TransferEntity).save(transfer);
  await record(manager, transfer, event, from, actor, actorVendorId, versionId, now);
}

export function versionMisfit(
  version: DossierVersionEntity,
  source: SchoolEntity,
  target: SchoolEntity,
): string | null {
  return profileMisfit(
    { profile: version.profile, overdrachtsoort: version.overdrachtsoort },
    source,
    target,
  );
}
