import { ConfigError, Environment, readConfig, setting } from '@app/config';

/** How many rendering threads there are, how many renderings may wait, and what one thread may use. */
export interface RenderingPoolSettings {
  /** Threads that render at once; each takes one core while it works (a PDF: up to ~300 ms). */
  threads: number;
  /** Renderings of all vendors waiting for a thread; one more is answered 503. */
  waitingTotal: number;
  /** Renderings of one vendor running or waiting; one more is answered 503, so one vendor cannot fill the line. */
  perTenant: number;
  /** Old-generation heap of one rendering thread: a 20 MB dossier with attachments fits well within it. */
  workerHeapMb: number;
  /** A thread with nothing to do ends after this long, and gives its memory back. */
  idleSeconds: number;
}

/** One thread (the API keeps the other core for its event loop and validation); a short line behind it. */
export const RENDERING_POOL_DEFAULTS: RenderingPoolSettings = {
  threads: 1,
  waitingTotal: 16,
  perTenant: 4,
  workerHeapMb: 512,
  idleSeconds: 30,
};

export function renderingPoolSettings(given: Partial<RenderingPoolSettings> = {}): RenderingPoolSettings {
  return { ...RENDERING_POOL_DEFAULTS, ...given };
}

export function readRenderingPoolSettings(env?: Environment): RenderingPoolSettings {
  const raw = readConfig(
    {
      RENDERING_POOL_THREADS: setting.positiveInt(RENDERING_POOL_DEFAULTS.threads),
      RENDERING_POOL_WAITING_TOTAL: setting.positiveInt(RENDERING_POOL_DEFAULTS.waitingTotal),
      RENDERING_POOL_PER_VENDOR: setting.positiveInt(RENDERING_POOL_DEFAULTS.perTenant),
      RENDERING_WORKER_HEAP_MB: setting.positiveInt(RENDERING_POOL_DEFAULTS.workerHeapMb),
    },
    env,
  );
  const capacity = raw.RENDERING_POOL_THREADS + raw.RENDERING_POOL_WAITING_TOTAL;
  if (raw.RENDERING_POOL_PER_VENDOR > capacity) {
    throw new ConfigError(
      'RENDERING_POOL_PER_VENDOR',
      `must be at most RENDERING_POOL_THREADS + RENDERING_POOL_WAITING_TOTAL (${capacity}) (got "${raw.RENDERING_POOL_PER_VENDOR}")`,
    );
  }
  return renderingPoolSettings({
    threads: raw.RENDERING_POOL_THREADS,
    waitingTotal: raw.RENDERING_POOL_WAITING_TOTAL,
    perTenant: raw.RENDERING_POOL_PER_VENDOR,
    workerHeapMb: raw.RENDERING_WORKER_HEAP_MB,
  });
}
