import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { VersionIdentity } from '../model/build-rendered-dossier';
import type { RenderedFile } from '../render-dossier';
import type { RenderingChoice, RenderingFormat } from '../rendering-choice';
import { RenderingError } from '../rendering-error';
import { RenderingPoolSettings, renderingPoolSettings } from './rendering-pool.config';
import type { RenderingOutcome, RenderingTask } from './rendering-worker';

/** The pool cannot take the work now: the vendor's share, or the whole line, is full. Retry later. */
export class RenderingCapacityError extends Error {
  constructor(readonly reason: 'tenant_queue_full' | 'queue_full') {
    super(
      reason === 'tenant_queue_full'
        ? 'too many renderings of this client are running or waiting'
        : 'too many renderings are waiting',
    );
  }
}

/** One attachment of a dossier, decoded, as served on its own. */
export interface AttachmentFile {
  mediaType: string;
  /** The file name as the dossier gives it: for Content-Disposition only, never for a log. */
  fileName: string;
  bytes: Buffer;
}

/**
 * Renderings on worker threads. A PDF takes up to a few hundred milliseconds of CPU, which on the API's
 * event loop would stall every other vendor's requests meanwhile; here it stalls nothing. The threads get
 * the plaintext bytes of the version only: decrypting stays in the API process, so the vault's key never
 * reaches a thread. The line is bounded in total and per tenant (the calling vendor): a full line is
 * refused at once (RenderingCapacityError), not queued without end.
 */
export class DossierRenderingPool {
  private readonly pool: Piscina;
  private readonly settings: RenderingPoolSettings;
  private readonly perTenant = new Map<string, number>();
  private inFlight = 0;

  constructor(options: { settings?: Partial<RenderingPoolSettings>; workerFile?: string } = {}) {
    this.settings = renderingPoolSettings(options.settings);
    this.pool = new Piscina({
      filename: options.workerFile ?? renderingWorkerFile(),
      minThreads: 0,
      maxThreads: this.settings.threads,
      idleTimeout: this.settings.idleSeconds * 1000,
      resourceLimits: { maxOldGenerationSizeMb: this.settings.workerHeapMb },
    });
  }

  /** The rendering of a version's plaintext; rejects with RenderingError for a form the dossier cannot fill. */
  async render(
    input: { bytes: Buffer; identity: VersionIdentity; choice: RenderingChoice; format: RenderingFormat },
    tenant: string,
  ): Promise<RenderedFile> {
    const file = await this.run({ kind: 'render', ...input }, tenant);
    return input.format === 'pdf'
      ? { format: 'pdf', mediaType: 'application/pdf', bytes: file.bytes }
      : { format: 'html', mediaType: 'text/html; charset=utf-8', bytes: file.bytes };
  }

  /** One attachment (1-based, document order); rejects with RenderingError when there is no such one. */
  async attachment(bytes: Buffer, number: number, tenant: string): Promise<AttachmentFile> {
    const file = await this.run({ kind: 'attachment', bytes, number }, tenant);
    return { mediaType: file.mediaType, fileName: file.fileName ?? '', bytes: file.bytes };
  }

  /** Renderings running or waiting, for a tenant or in all. */
  load(tenant?: string): number {
    return tenant === undefined ? this.inFlight : (this.perTenant.get(tenant) ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** Nest calls this when the application closes: the threads end with it. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  private async run(
    task: RenderingTask,
    tenant: string,
  ): Promise<{ mediaType: string; bytes: Buffer; fileName: string | null }> {
    const mine = this.perTenant.get(tenant) ?? 0;
    if (mine >= this.settings.perTenant) throw new RenderingCapacityError('tenant_queue_full');
    if (this.inFlight >= this.settings.threads + this.settings.waitingTotal) {
      throw new RenderingCapacityError('queue_full');
    }
    this.inFlight += 1;
    this.perTenant.set(tenant, mine + 1);
    try {
      const outcome = (await this.pool.run(task)) as RenderingOutcome;
      if (!outcome.ok) throw new RenderingError(outcome.code, outcome.message);
      const bytes = Buffer.from(outcome.bytes.buffer, outcome.bytes.byteOffset, outcome.bytes.byteLength);
      return { mediaType: outcome.mediaType, bytes, fileName: outcome.fileName };
    } finally {
      this.inFlight -= 1;
      const left = (this.perTenant.get(tenant) ?? 1) - 1;
      if (left > 0) this.perTenant.set(tenant, left);
      else this.perTenant.delete(tenant);
    }
  }
}

/**
 * The compiled worker module. Next to this file when running from `dist/`; from the sources (tests
 * under ts-jest) it is the built copy in `dist/`, which `npm test` builds first.
 */
export function renderingWorkerFile(): string {
  const beside = join(__dirname, 'rendering-worker.js');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const built = join(dir, 'dist', 'libs', 'dossier-rendering', 'src', 'pool', 'rendering-worker.js');
    if (existsSync(built)) return built;
  }
  throw new Error(
    `the rendering worker is not built (looked beside ${resolve(__dirname)} and in dist/): run npm run build`,
  );
}
