/**
 * Webhook notifications travel from their outbox (PostgreSQL) to the release worker on this queue; one
 * job per due attempt of a notification, its id `notification_<row id>` (BullMQ refuses integer ids).
 */
export const NOTIFICATION_QUEUE = 'notification';

export function notificationJobId(notificationId: string): string {
  return `notification_${notificationId}`;
}
