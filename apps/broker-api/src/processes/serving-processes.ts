import cluster from 'node:cluster';

/** How many of the configured broker-api processes serve right now; health says `degraded` when fewer. */
export interface ServingProcesses {
  configured: number;
  serving: number;
}

/** What the cluster primary tells every serving process whenever a process stops or starts serving. */
export interface ServingProcessesMessage extends ServingProcesses {
  type: 'broker-api:serving-processes';
}

export function isServingProcessesMessage(message: unknown): message is ServingProcessesMessage {
  return (message as ServingProcessesMessage | null)?.type === 'broker-api:serving-processes';
}

let current: ServingProcesses = { configured: 1, serving: 1 };

/** Alone, this process is the one configured; in a cluster, the primary's last word (IPC). */
export function servingProcesses(): ServingProcesses {
  return current;
}

/**
 * In a serving process of a cluster: keep `servingProcesses()` up to date from the primary's messages.
 * Until the first one arrives it assumes all configured processes serve (the primary sends one as soon
 * as this process says it serves).
 */
export function followServingProcesses(configured: number): void {
  current = { configured, serving: configured };
  if (!cluster.isWorker) return;
  process.on('message', (message: unknown) => {
    if (isServingProcessesMessage(message))
      current = { configured: message.configured, serving: message.serving };
  });
}
