import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { ValidationOptions } from './dossier-validation-engine';
import type { DossierVerdict } from './dossier-verdict';
import type { ValidationTask } from './validation-worker';

/**
 * Dossier validation on worker threads. Parsing and the rules are CPU work that would stall the
 * broker's event loop for every upload; the pool spreads it over the cores, and keeps libxml2-wasm
 * (an ES module) in plain worker threads, where it loads the same in production and under Jest.
 */
export class DossierValidationPool {
  private readonly pool: Piscina;
  private readonly schemaPath: string | undefined;

  constructor(options: { threads?: number; schemaPath?: string; workerFile?: string } = {}) {
    const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism()));
    this.schemaPath = options.schemaPath;
    this.pool = new Piscina({
      filename: options.workerFile ?? validationWorkerFile(),
      minThreads: 1,
      maxThreads: threads,
      // Threads beyond the first are let go after a quiet minute; each holds a compiled schema.
      idleTimeout: 60_000,
    });
  }

  async validate(bytes: Buffer, options: ValidationOptions = {}): Promise<DossierVerdict> {
    const task: ValidationTask = { bytes, options, schemaPath: this.schemaPath };
    return (await this.pool.run(task)) as DossierVerdict;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
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
