import { hostname } from 'node:os';

/**
 * This release-worker process among the others on one Redis: its host and pid, nothing about any pupil.
 * It names the process's BullMQ worker on the heartbeat queue, so Redis lists one connection per living
 * worker (CLIENT LIST) and the broker's health counts them; it goes with the process, restarts get a new one.
 */
export const RELEASE_WORKER_INSTANCE = `${hostname()}:${process.pid}`;
