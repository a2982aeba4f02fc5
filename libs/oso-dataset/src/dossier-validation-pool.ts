import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { ValidationOptions } from './dossier-validation-engine';
import type { DossierVerdict } from './dossier-verdict';
import { FairShareLimits, FairValidationQueue, QueueRefusal } from './fair-validation-queue';
import type { ValidationTask } from './validation-worker';
import { ValidationPoolSettings, validationPoolSettings } from './validation-pool.config';

/** The tenant of a pool used by one party only (the CLI, tests): the broker always names the client. */
export const LOCAL_TENANT = 'local';

/** The pool cannot take the dossier now: the tenant's line (or all lines) is full. Retry later. */
export class ValidationCapacityError extends Error {
  constructor(readonly reason: QueueRefusal) {
    super(
      reason === 'tenant_queue_full'
        ? 'too many dossiers of this client are waiting for validation'
        : 'too many dossiers are waiting for validation',
    );
  }
}

/** A validation ran out of the memory one validation may use; its thread was replaced. */
export class ValidationMemoryExceededError extends Error {
  constructor() {
    super('the validation needed more memory than one validation may use');
  }
}

interface PendingValidation {
  task: ValidationTask;
  resolve: (verdict: DossierVerdict) => void;
  reject: (error: unknown) => void;
}

/**
 * Dossier validation on worker threads. Parsing and the rules are CPU work that would stall the
 * broker's event loop for every upload; the pool spreads it over the cores, and keeps libxml2-wasm
 * (an ES module) in plain worker threads, where it loads the same in production and under Jest.
 *
 * Threads are shared fairly: every validation names its tenant (the calling vendor or auditor), waits
 * in that tenant's bounded line, and starts when `FairValidationQueue` gives it a thread. Piscina never
 * queues: it gets at most one task per thread. Each thread's heap is capped, so a dossier that needs
 * more fails alone, and threads are let go when idle, so memory a large dossier took is given back.
 */
export class DossierValidationPool {
  private readonly pool: Piscina;
  private readonly queue: FairValidationQueue<PendingValidation>;
  private readonly schemaPath: string | undefined;

  constructor(
    options: {
      settings?: Partial<ValidationPoolSettings>;
      /** Shorthand for `settings.threads` (the per-tenant share follows from it). */
      threads?: number;
      schemaPath?: string;
      workerFile?: string;
    } = {},
  ) {
    const settings = validationPoolSettings({
      ...(options.threads ? { threads: options.threads } : {}),
      ...options.settings,
    });
    this.schemaPath = options.schemaPath;
    this.queue = new FairValidationQueue(fairShareOf(settings));
    this.pool = new Piscina({
      filename: options.workerFile ?? validationWorkerFile(),
      // No thread kept when quiet: libxml2's WebAssembly memory only grows, so a thread that read a
      // large dossier holds that memory until it ends. A cold thread costs a schema load (~0.3 s).
      minThreads: 0,
      maxThreads: settings.threads,
      idleTimeout: settings.idleSeconds * 1000,
      resourceLimits: {
        maxOldGenerationSizeMb: settings.workerHeapMb,
        maxYoungGenerationSizeMb: settings.workerYoungHeapMb,
      },
    });
  }

  /**
   * The verdict on one dossier, once the tenant's turn comes. Rejects with ValidationCapacityError
   * when the tenant (or everyone) has too many dossiers waiting, and ValidationMemoryExceededError
   * when the dossier needs more memory than a thread may use.
   */
  validate(
    bytes: Buffer,
    options: ValidationOptions = {},
    tenant: string = LOCAL_TENANT,
  ): Promise<DossierVerdict> {
    return new Promise((resolve, reject) => {
      const pending: PendingValidation = {
        task: { bytes, options, schemaPath: this.schemaPath },
        resolve,
        reject,
      };
      const refusal = this.queue.enqueue(tenant, bytes.length, pending);
      if (refusal) {
        reject(new ValidationCapacityError(refusal));
        return;
      }
      this.startWhatMay();
    });
  }

  /** Waiting and running validations, for a tenant or in all. */
  load(tenant?: string): { waiting: number; running: number } {
    return this.queue.load(tenant);
  }

  /** Threads alive now (they end after the idle timeout). */
  get threadCount(): number {
    return this.pool.threads.length;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private startWhatMay(): void {
    for (let next = this.queue.next(); next; next = this.queue.next()) {
      const { tenant, bytes, job } = next;
      this.pool
        .run(job.task)
        .then(
          (verdict) => job.resolve(verdict as DossierVerdict),
          (error: unknown) => job.reject(isOutOfMemory(error) ? new ValidationMemoryExceededError() : error),
        )
        .finally(() => {
          this.queue.finished(tenant, bytes);
          this.startWhatMay();
        });
    }
  }
}

function fairShareOf(settings: ValidationPoolSettings): FairShareLimits {
  return {
    slots: settings.threads,
    runningPerTenant: settings.runningPerTenant,
    runningBytesPerTenant: settings.runningBytesPerTenant,
    waitingPerTenant: settings.waitingPerTenant,
    waitingBytesPerTenant: settings.waitingBytesPerTenant,
    waitingTotal: settings.waitingTotal,
  };
}

/** Node ends a worker that exceeds its resourceLimits with this code; piscina rejects its task with it. */
function isOutOfMemory(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY'
  );
}

/**
 * The compiled worker module. Next to this file when running from `dist/`; from the sources (tests
 * under ts-jest) it is the built copy in `dist/`, which `npm test` builds first.
 */
export function validationWorkerFile(): string {
  const beside = join(__dirname, 'validation-worker.js');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const built = join(dir, 'dist', 'libs', 'oso-dataset', 'src', 'validation-worker.js');
    if (existsSync(built)) return built;
  }
  throw new Error(
    `the validation worker is not built (looked beside ${resolve(__dirname)} and in dist/): run npm run build`,
  );
}
