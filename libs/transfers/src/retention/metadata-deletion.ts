import { type BoardInstructions, formatSchoolCode } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { DataSource } from 'typeorm';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import { schoolsOfTransfers } from '../transfer-schools';
import { inRecordedTransaction } from '../transfer-transactions';
import {
  type MetadataCandidate,
  MetadataRetentionRepository,
  type UnclaimedVersion,
} from './metadata-retention-repository';

/** Candidates read per query. */
const BATCH = 100;

/** The board instructions retention needs: the sending school's board's metadata term. */
export type MetadataTerms = Pick<BoardInstructions, 'metadataRetentionFor'>;

/**
 * Retention's metadata sweep (issue #11, item 7): for every purged transfer whose term has passed, deletes
 * its row, history, evidence, outbox rows and no-longer-used versions, with one `metadata_deleted` log
 * entry (counts only) in the same transaction. The term is the one the SENDING school's board set (the
 * broker processes for the sender), in effect at `now`; the database function checks it again, from the
 * stored dates and the receiving school's sector, and deletes nothing early. Then the rows of purged
 * versions no transfer ever used, after the after-release term counted from their purge. The exchange log
 * stays. Answers how many transfers and versions it deleted.
 */
export async function deleteOverdueMetadata(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  boards: MetadataTerms,
  now: Date,
): Promise<number> {
  let deleted = 0;
  let after: { since: Date; id: string } | null = null;
  for (;;) {
    const candidates = await new MetadataRetentionRepository(dataSource.manager).candidates(
      now,
      after,
      BATCH,
    );
    for (const candidate of candidates) {
      if (await deleteOne(dataSource, recorder, boards, candidate, now)) deleted += 1;
    }
    if (candidates.length < BATCH) break;
    const last = candidates[candidates.length - 1];
    after = { since: last.since, id: last.transferId };
  }
  let afterVersion: { purgedAt: Date; id: string } | null = null;
  for (;;) {
    const versions = await new MetadataRetentionRepository(dataSource.manager).unclaimedCandidates(
      now,
      afterVersion,
      BATCH,
    );
    for (const version of versions) {
      if (await deleteUnclaimedVersion(dataSource, recorder, boards, version, now)) deleted += 1;
    }
    if (versions.length < BATCH) return deleted;
    const last = versions[versions.length - 1];
    afterVersion = { purgedAt: last.purgedAt, id: last.versionId };
  }
}

/** A purged version no transfer used: its row goes after the board's term from its purge. */
async function deleteUnclaimedVersion(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  boards: MetadataTerms,
  version: UnclaimedVersion,
  now: Date,
): Promise<boolean> {
  const trail = new EntryTrail(recorder);
  return inRecordedTransaction(dataSource, trail, async (manager) => {
    const [school] = await findSchoolsByIds(manager, [version.sourceSchoolId]);
    const terms = await boards.metadataRetentionFor(version.sourceSchoolId, now, manager);
    const repository = new MetadataRetentionRepository(manager);
    const termMonths = await repository.deleteUnclaimedIfDue(
      version.versionId,
      terms.afterReleaseMonths,
      now,
    );
    if (termMonths === null) return false;
    trail.add({
      type: 'metadata_deleted',
      at: now,
      actor: { kind: 'broker', id: null, side: null },
      schools: { source: formatSchoolCode(school), target: null },
      transferId: null,
      versionHash: version.versionHash,
      termMonths,
      historyRows: 0,
      evidenceRecords: 0,
      versions: 1,
    });
    return true;
  });
}

async function deleteOne(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  boards: MetadataTerms,
  candidate: MetadataCandidate,
  now: Date,
): Promise<boolean> {
  const trail = new EntryTrail(recorder);
  return inRecordedTransaction(dataSource, trail, async (manager) => {
    // The schools' codes before the rows go: the log entry names them.
    const schoolsOf = await schoolsOfTransfers(manager, [candidate]);
    const terms = await boards.metadataRetentionFor(candidate.sourceSchoolId, now, manager);
    const deleted = await new MetadataRetentionRepository(manager).deleteIfDue(
      candidate.transferId,
      terms,
      now,
    );
    if (deleted === null) return false;
    trail.add({
      type: 'metadata_deleted',
      at: now,
      actor: { kind: 'broker', id: null, side: null },
      schools: schoolsOf(candidate),
      transferId: candidate.transferId,
      versionHash: null,
      ...deleted,
    });
    return true;
  });
}
