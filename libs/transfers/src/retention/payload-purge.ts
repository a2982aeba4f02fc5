import { formatSchoolCode } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { DataSource, EntityManager } from 'typeorm';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import type { TransferEntity } from '../transfer.entity';
import { schoolsOfTransfers } from '../transfer-schools';
import { changeTransferState } from '../transfer-state-changes';
import { inRecordedTransaction, lockLine } from '../transfer-transactions';
import { type OverduePayload, PayloadRetentionRepository } from './payload-retention-repository';
import type { PayloadTerms } from './retention.config';

/** Candidates read per query, and transfers ended per transaction. */
const BATCH = 100;

/** What one payload sweep did: versions whose key it destroyed, transfers it moved to `purged`. */
export interface PayloadPurgeCount {
  payloads: number;
  transfers: number;
}

/**
 * Retention's payload sweep (issue #11, item 7): destroys the key and ciphertext of every version whose
 * purpose ended longer ago than its term (`PayloadRetentionRepository`), each in its own transaction with
 * its `payload_purged` log entry, and ends the transfers that used it once they have no live payload left
 * (the lifecycle's `purge`, as the broker); then ends the finished transfers that never had a version.
 * Each version is checked again under its line's lock (which staging and requests take) and with the
 * transfers that use it locked, so a request matched, evidence recorded or a receipt confirmed meanwhile
 * is seen; several release workers may sweep at once without doing anything twice.
 */
export async function purgeOverduePayloads(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  terms: PayloadTerms,
  now: Date,
): Promise<PayloadPurgeCount> {
  const count: PayloadPurgeCount = { payloads: 0, transfers: 0 };
  let after: { stagedAt: Date; id: string } | null = null;
  for (;;) {
    const candidates = await new PayloadRetentionRepository(dataSource.manager).overdue(
      terms,
      now,
      after,
      BATCH,
    );
    for (const candidate of candidates) {
      const done = await purgeVersion(dataSource, recorder, terms, candidate, now);
      count.payloads += done.payloads;
      count.transfers += done.transfers;
    }
    if (candidates.length < BATCH) break;
    const last = candidates[candidates.length - 1];
    after = { stagedAt: last.stagedAt, id: last.versionId };
  }
  for (;;) {
    const trail = new EntryTrail(recorder);
    const ended = await inRecordedTransaction(dataSource, trail, async (manager) =>
      endTransfers(manager, trail, await new PayloadRetentionRepository(manager).lockPurgeable(BATCH), now),
    );
    count.transfers += ended;
    if (ended < BATCH) return count;
  }
}

async function purgeVersion(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  terms: PayloadTerms,
  candidate: OverduePayload,
  now: Date,
): Promise<PayloadPurgeCount> {
  const trail = new EntryTrail(recorder);
  return inRecordedTransaction(dataSource, trail, async (manager) => {
    const repository = new PayloadRetentionRepository(manager);
    // The order staging takes them in: the line, then its transfers.
    await lockLine(manager, candidate.sourceSchoolId, candidate.pupilKeyHash);
    const claimants = await repository.lockClaimants(candidate.versionId);
    const payload = await repository.overdueVersion(terms, now, candidate.versionId);
    // Claimed again meanwhile, or destroyed by another sweep or a retraction: nothing to do or log.
    if (!payload || !(await repository.destroyPayload(payload.versionId, now))) {
      return { payloads: 0, transfers: 0 };
    }
    // Its consent declaration documents lose their key with it (a trigger: see migration
    // DeclarationsGoWithTheirVersion1765400000001).
    const schools = await schoolCodes(manager, [payload.sourceSchoolId, payload.targetSchoolId ?? []].flat());
    trail.add({
      type: 'payload_purged',
      at: now,
      actor: { kind: 'broker', id: null, side: null },
      schools: {
        source: schools(payload.sourceSchoolId),
        target: payload.targetSchoolId === null ? null : schools(payload.targetSchoolId),
      },
      transferId: payload.transferId,
      versionHash: payload.versionHash,
      reason: payload.reason,
      termDays: payload.termDays,
    });
    const purgeable = await repository.lockPurgeable(
      BATCH,
      claimants.map((transfer) => transfer.id),
    );
    return { payloads: 1, transfers: await endTransfers(manager, trail, purgeable, now) };
  });
}

/** Moves each transfer to `purged` (the broker's step, history and log entry); answers how many. */
async function endTransfers(
  manager: EntityManager,
  trail: EntryTrail,
  transfers: readonly TransferEntity[],
  now: Date,
): Promise<number> {
  const schoolsOf = await schoolsOfTransfers(manager, transfers);
  for (const transfer of transfers) {
    await changeTransferState(manager, trail, transfer, schoolsOf(transfer), {
      event: 'purge',
      actor: 'broker',
      vendor: null,
      version: null,
      at: now,
    });
  }
  return transfers.length;
}

async function schoolCodes(
  manager: EntityManager,
  ids: readonly string[],
): Promise<(schoolId: string) => string> {
  const codes = new Map(
    (await findSchoolsByIds(manager, ids)).map((school) => [school.id, formatSchoolCode(school)]),
  );
  return (schoolId) => {
    const found = codes.get(schoolId);
    // A bug, not a refusal: versions and transfers name registered schools, and schools are never deleted.
    if (found === undefined) throw new Error('a version names a school the registry does not hold');
    return found;
  };
}
