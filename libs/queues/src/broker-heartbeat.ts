/**
 * The release worker proves it is alive by processing a repeating job on this queue and writing the
 * time under WORKER_HEARTBEAT_KEY; the broker's health check reads it. A job (rather than a timer)
 * shows that the worker really takes work from its queues.
 */
export const BROKER_HEARTBEAT_QUEUE = 'broker-heartbeat';
export const HEARTBEAT_EVERY_MS = 15_000;

export function workerHeartbeatKey(prefix: string): string {
  return `${prefix}:release-worker:heartbeat`;
}

export interface WorkerHeartbeat {
  at: string;
  pid: number;
  host: string;
  /** The worker process that wrote it (host:pid); absent in beats from before issue #14. */
  instance?: string;
}

/**
 * BullMQ names a named worker's blocking connection `<prefix>:<base64 queue name>:w:<worker name>`
 * (Worker's connectionName, what Queue.getWorkers matches): the broker's health counts these per instance.
 */
export function namedWorkerClientPrefix(prefix: string, queue: string): string {
  return `${prefix}:${Buffer.from(queue).toString('base64')}:w:`;
}
