import type { EntityManager } from 'typeorm';
import { OPEN_STATES, type TransferState } from '../transfer-lifecycle';
import { RestoredTransferRepository } from './restored-transfer-repository';

/**
 * States the log may record after a backup that this catch-up writes onto the restored row: past release
 * or finished (no evidence is needed to be there, and the gate must not look again), and `requested`, the
 * state a retraction or a refused match leaves (no version to release).
 */
const BROUGHT_FORWARD_STATES: readonly TransferState[] = [
  'released',
  'received',
  'withdrawn',
  'expired',
  'purged',
  'requested',
];

/**
 * Rows the backup holds with a version the gate could release (now, or on new evidence) while the log says
 * the gate or the schools moved elsewhere since: held in `blocked` until a new instruction.
 */
const RELEASABLE_ROW_STATES: readonly TransferState[] = [
  'awaiting_approval',
  'dossier_staged',
  'awaiting_evidence',
  'release_queued',
];

/** The transfer history's event for each kind of catch-up: both vendors see it in the transfer's history. */
export const RESTORE_CATCH_UP_EVENTS = {
  broughtForward: 'restored_from_log',
  held: 'held_after_restore',
} as const;

/** One restored transfer the catch-up changed, as the command reports and the log records it. */
export interface CaughtUpTransfer {
  transferId: string;
  kind: keyof typeof RESTORE_CATCH_UP_EVENTS;
  from: TransferState;
  to: TransferState;
  at: Date;
  schools: { source: string; target: string };
}

/**
 * After the log's tail is put back (entry ids in (restoredEnd, tailEnd]), in the same transaction: every
 * restored transfer whose row holds an earlier state than the tail's last one for it is caught up, so the
 * release worker never releases it a second time and a withdrawal, retraction or expiry after the backup
 * still holds (docs/decisions.md, "After a restore, restored transfers follow their log").
 *
 * - The log's last state is past release, finished, or `requested`: the row is brought to it, at the log
 *   entry's time (and to the released version, when the restored database holds it).
 * - The log's last state is another open one (evidence, a gate decision or staging after the backup, whose
 *   rows are lost): nothing is invented; a row that could be released on the backup's evidence is held in
 *   `blocked` until a new instruction; a row without a version to release stays as it is.
 */
export async function catchUpRestoredTransfers(
  manager: EntityManager,
  restoredEnd: bigint,
  tailEnd: bigint,
  now: Date,
): Promise<CaughtUpTransfer[]> {
  const repository = new RestoredTransferRepository(manager);
  const caughtUp: CaughtUpTransfer[] = [];
  for (const transfer of await repository.withTheirLastLoggedState(restoredEnd, tailEnd)) {
    if (transfer.logState === transfer.rowState) continue;
    const schools = { source: transfer.sourceSchool, target: transfer.targetSchool };
    const change = { transferId: transfer.id, from: transfer.rowState, schools };
    // A finished row does not go back to waiting (a correction staged and retracted after the backup).
    const forward =
      BROUGHT_FORWARD_STATES.includes(transfer.logState) &&
      (transfer.logState !== 'requested' || OPEN_STATES.includes(transfer.rowState));
    if (forward) {
      if (await repository.bringForward(transfer, RESTORE_CATCH_UP_EVENTS.broughtForward))
        caughtUp.push({ ...change, kind: 'broughtForward', to: transfer.logState, at: transfer.logAt });
    } else if (RELEASABLE_ROW_STATES.includes(transfer.rowState)) {
      if (await repository.hold(transfer, RESTORE_CATCH_UP_EVENTS.held, now))
        caughtUp.push({ ...change, kind: 'held', to: 'blocked', at: now });
    }
  }
  return caughtUp;
}
