import { DataSource, In, LessThan } from 'typeorm';
import { TransferHistoryEntity } from './transfer-history.entity';
import { TRANSFER_TRANSITIONS, nextState } from './transfer-lifecycle';
import { TransferEntity } from './transfer.entity';

const BATCH = 100;

/**
 * Moves every open request past its `expiresAt` to `expired` (the broker's own step), with a history
 * entry each. Rows are locked and skipped when another broker process holds them, so several processes
 * may sweep at once without doing anything twice.
 */
export async function expireOverdueTransfers(
  dataSource: DataSource,
  now: Date = new Date(),
): Promise<number> {
  let expired = 0;
  for (;;) {
    const count = await dataSource.transaction(async (manager) => {
      const overdue = await manager.getRepository(TransferEntity).find({
        where: { expiresAt: LessThan(now), state: In([...TRANSFER_TRANSITIONS.expire.from]) },
        take: BATCH,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      for (const transfer of overdue) {
        const result = nextState(transfer.state, 'expire', 'broker');
        if (!result.ok) continue;
        const from = transfer.state;
        transfer.state = result.state;
        transfer.updatedAt = now;
        await manager.getRepository(TransferEntity).save(transfer);
        await manager.getRepository(TransferHistoryEntity).insert({
          transferId: transfer.id,
          event: 'expire',
          fromState: from,
          toState: result.state,
          actor: 'broker',
          actorVendorId: null,
          versionId: null,
          at: now,
        });
      }
      return overdue.length;
    });
    expired += count;
    if (count < BATCH) return expired;
  }
}
