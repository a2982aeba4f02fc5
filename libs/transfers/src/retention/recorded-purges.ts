import type { DataSource } from 'typeorm';
import { RecordedPurgeRepository } from './recorded-purge-repository';

/**
 * A destruction of a version's payload that the exchange log records: `payload_purged` (retention),
 * `version_retracted` (the sender took it back) or `recall_issued` with `keyDestroyed` (the last recall of
 * a released version). The log names a version by its content hash and sending school, never by row id.
 */
export interface RecordedPurge {
  /** The entry's id in the log (decimal string), for the report. */
  entryId: string;
  type: 'payload_purged' | 'version_retracted' | 'recall_issued';
  versionHash: string;
  /** The sending school's code (BRIN + vestiging), as the log writes it. */
  sourceSchool: string;
}

/** The log entry types that destroy a payload, and when. */
export function recordedPurgeOf(entry: Record<string, unknown>): RecordedPurge | null {
  const type = entry.type;
  const details = (entry.details ?? {}) as Record<string, unknown>;
  const destroys =
    type === 'payload_purged' ||
    type === 'version_retracted' ||
    (type === 'recall_issued' && details.keyDestroyed === true);
  const schools = (entry.schools ?? {}) as Record<string, unknown>;
  if (!destroys || typeof entry.versionHash !== 'string' || typeof schools.source !== 'string') return null;
  return {
    entryId: String(entry.id),
    type: type as RecordedPurge['type'],
    versionHash: entry.versionHash,
    sourceSchool: schools.source,
  };
}

/** What re-applying recorded purges did. */
export interface ReappliedPurges {
  /** Recorded purges read. */
  recorded: number;
  /** Versions whose payload existed again (a restore brought it back) and was destroyed now. */
  destroyed: number;
  /** Recorded purges whose version is already without payload (nothing lost since, or purged already). */
  alreadyGone: number;
  /** Recorded purges of a version this database does not hold (staged after the backup): nothing to do. */
  unknown: number;
}

/**
 * After a restore from a backup (docs/operator-guide.md, "Backups and restore"): destroys again every
 * payload the exchange log records as destroyed — purged by retention, retracted, or its key destroyed by
 * a recall — that the restored database holds again. Adds nothing to the log: the destruction is recorded
 * already (in the newer copy of the log the purges come from), and the restored log is left as it is.
 * Idempotent: a second run finds every payload gone.
 */
export async function reapplyRecordedPurges(
  dataSource: DataSource,
  purges: Iterable<RecordedPurge>,
  now: Date,
): Promise<ReappliedPurges> {
  const result: ReappliedPurges = { recorded: 0, destroyed: 0, alreadyGone: 0, unknown: 0 };
  for (const purge of purges) {
    result.recorded += 1;
    await dataSource.transaction(async (manager) => {
      const repository = new RecordedPurgeRepository(manager);
      const rows = await repository.lockVersionsNamed(purge.versionHash, purge.sourceSchool);
      if (rows.length === 0) result.unknown += 1;
      for (const row of rows) {
        if (row.gone) result.alreadyGone += 1;
        else if (await repository.destroyPayload(row.id, now)) result.destroyed += 1;
      }
    });
  }
  return result;
}
