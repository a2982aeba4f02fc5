import { DataSource } from 'typeorm';
import { EntryTrail, NO_TRANSFER_EVENTS, TransferEventRecorder } from './transfer-events';
import { TransferRepository } from './transfer-repository';
import { schoolsOfTransfers } from './transfer-schools';
import { changeTransferState } from './transfer-state-changes';

const BATCH = 100;

/**
 * Moves every open request past its `expiresAt` to `expired` (the broker's own step), through
 * `changeTransferState` like every other step: history and log event included. Rows are locked and
 * skipped when another broker process holds them, so several processes may sweep at once without doing
 * anything twice.
 */
export async function expireOverdueTransfers(
  dataSource: DataSource,
  recorder: TransferEventRecorder = NO_TRANSFER_EVENTS,
  now: Date = new Date(),
): Promise<number> {
  let expired = 0;
  for (;;) {
    // One trail per batch: its events are recorded together, in the batch's transaction.
    const trail = new EntryTrail(recorder);
    const count = await dataSource.transaction(async (manager) => {
      const overdue = await new TransferRepository(manager).lockOverdue(now, BATCH);
      const schoolsOf = await schoolsOfTransfers(manager, overdue);
      for (const transfer of overdue) {
        await changeTransferState(manager, trail, transfer, schoolsOf(transfer), {
          event: 'expire',
          actor: 'broker',
          vendor: null,
          version: null,
          at: now,
        });
      }
      await trail.recordIn(manager);
      return overdue.length;
    });
    expired += count;
    if (count < BATCH) return expired;
  }
}
