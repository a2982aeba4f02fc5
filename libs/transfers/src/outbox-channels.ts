/**
 * The channels on which a committed outbox row is announced (`NOTIFY`, by the triggers of migration
 * OutboxWakeups1766000000000): the release worker's relays listen, and run a round at once.
 */
export const RELEASE_OUTBOX_CHANNEL = 'oso_release_outbox';
export const NOTIFICATION_OUTBOX_CHANNEL = 'oso_notification_outbox';
