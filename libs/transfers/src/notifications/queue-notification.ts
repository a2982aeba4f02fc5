import type { EntityManager } from 'typeorm';
import type { NotificationKind } from './notification-outbox.entity';
import { NotificationRepository } from './notification-repository';

/**
 * Queues a webhook notification to a vendor, inside the caller's transaction (so it exists exactly when
 * what it announces committed). A vendor without a webhook gets none: its inbox (GET /v1/transfers) stays
 * pollable. The release worker delivers it (apps/release-worker/src/notifications/).
 */
export async function queueNotification(
  manager: EntityManager,
  n: { vendorId: string; transferId: string; kind: NotificationKind; versionHash: string | null },
): Promise<void> {
  await new NotificationRepository(manager).queueIfWebhook(n);
}
