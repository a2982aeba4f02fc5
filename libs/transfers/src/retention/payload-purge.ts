import { formatSchoolCode } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { DataSource, EntityManager } from 'typeorm';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import { schoolsOfTransfers } from '../transfer-schools';
import { changeTransferState } from '../transfer-state-changes';
import { inRecordedTransaction } from '../transfer-transactions';
import { type OverduePayload, PayloadRetentionRepository } from './payload-retention-repository';
import type { PayloadTerms } from './retention.config';

/** Versions or transfers per transaction: bounded, so one batch never holds many locks for long. */
const BATCH = 100;

/** What one payload sweep did: versions whose key it destroyed, transfers it moved to `purged`. */
export interface PayloadPurgeCount {
  payloads: number;
  transfers: number;
}

/**
 * Retention's payload sweep (issue #11, item 7): destroys the key and ciphertext of every version whose
 * purpose ended longer ago than its term (`PayloadRetentionRepository.lockOverdue`), each with its
 * `payload_purged` log entry in the same transaction; then moves the transfers left without a live payload
 * to `purged` (the lifecycle's `purge`, as the broker). Rows are locked and skipped when another process
 * holds them, so several release workers may sweep at once without doing anything twice.
 */
export async function purgeOverduePayloads(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  terms: PayloadTerms,
  now: Date,
): Promise<PayloadPurgeCount> {
  const count: PayloadPurgeCount = { payloads: 0, transfers: 0 };
  for (;;) {
    const trail = new EntryTrail(recorder);
    const purged = await inRecordedTransaction(dataSource, trail, async (manager) => {
      const overdue = await new PayloadRetentionRepository(manager).lockOverdue(terms, now, BATCH);
      await destroyPayloads(manager, trail, overdue, now);
      return overdue.length;
    });
    count.payloads += purged;
    if (purged < BATCH) break;
  }
  for (;;) {
    const trail = new EntryTrail(recorder);
    const ended = await inRecordedTransaction(dataSource, trail, async (manager) => {
      const transfers = await new PayloadRetentionRepository(manager).lockPurgeable(BATCH);
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
    });
    count.transfers += ended;
    if (ended < BATCH) return count;
  }
}

async function destroyPayloads(
  manager: EntityManager,
  trail: EntryTrail,
  overdue: readonly OverduePayload[],
  now: Date,
): Promise<void> {
  const ids = overdue.flatMap((payload) => [payload.sourceSchoolId, payload.targetSchoolId ?? []].flat());
  const codes = new Map(
    (await findSchoolsByIds(manager, ids)).map((school) => [school.id, formatSchoolCode(school)]),
  );
  const code = (schoolId: string) => {
    const found = codes.get(schoolId);
    // A bug, not a refusal: versions and transfers name registered schools, and schools are never deleted.
    if (found === undefined) throw new Error('a version names a school the registry does not hold');
    return found;
  };
  const repository = new PayloadRetentionRepository(manager);
  for (const payload of overdue) {
    if (!(await repository.destroyPayload(payload.versionId, now))) continue;
    // TODO(integrator, #11 helper M): the version's sealed consent declaration documents go with it —
    // null their ciphertext and wrapped key here once M's declaration columns are on main.
    trail.add({
      type: 'payload_purged',
      at: now,
      actor: { kind: 'broker', id: null, side: null },
      schools: {
        source: code(payload.sourceSchoolId),
        target: payload.targetSchoolId === null ? null : code(payload.targetSchoolId),
      },
      transferId: payload.transferId,
      versionHash: payload.versionHash,
      reason: payload.reason,
      termDays: payload.termDays,
    });
  }
}
