/**
 * Releases allowed by the gate travel from the outbox (PostgreSQL) to the release worker on this queue;
 * one job per transfer and content, its id `${transferId}_${versionHash}` (BullMQ adds an id once).
 */
export const RELEASE_QUEUE = 'release';
