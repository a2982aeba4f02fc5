import type { DataSource } from 'typeorm';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import { inRecordedTransaction } from '../transfer-transactions';
import type { NotificationFailure } from './notification-outbox.entity';
import { NotificationRepository } from './notification-repository';

/** An attempt's result, as the release worker saw it. */
export type NotificationAttempt =
  | { delivered: true }
  | {
      delivered: false;
      failure: NotificationFailure;
      /** When to try again; null when no attempt is left: the notification is dead-lettered. */
      nextAttemptAt: Date | null;
    };

/** What recording did: the row's new standing, or `nothing` when it was no longer open. */
export type NotificationAttemptOutcome = 'delivered' | 'retry' | 'dead' | 'nothing';

/**
 * Records one delivery attempt on its row, in one transaction with its log entry: delivered
 * (`notification_delivered`), due again after a backoff, or dead (`notification_dead_lettered`). A row
 * already delivered or dead is left as it is, so a late duplicate attempt changes nothing.
 */
export async function recordNotificationAttempt(
  dataSource: DataSource,
  recorder: TransferEventRecorder,
  id: string,
  attempt: NotificationAttempt,
  at: Date,
): Promise<NotificationAttemptOutcome> {
  const trail = new EntryTrail(recorder);
  return inRecordedTransaction(dataSource, trail, async (manager) => {
    const row = await new NotificationRepository(manager).recordAttempt(id, at, attempt);
    if (row === null) return 'nothing';
    const outcome = attempt.delivered ? 'delivered' : attempt.nextAttemptAt === null ? 'dead' : 'retry';
    if (outcome === 'retry') return outcome;
    trail.add({
      type: outcome === 'delivered' ? 'notification_delivered' : 'notification_dead_lettered',
      at,
      actor: { kind: 'broker', id: null, side: null },
      schools: row.schools,
      transferId: row.transferId,
      versionHash: row.versionHash,
      kind: row.kind,
      vendorId: row.vendorId,
      attempts: row.attempts + 1,
      failure: attempt.delivered ? null : attempt.failure,
    });
    return outcome;
  });
}
