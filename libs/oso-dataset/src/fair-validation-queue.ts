/** How the validation threads are shared between tenants (vendors, auditors): the pool's limits. */
export interface FairShareLimits {
  /** Validations running at once: the pool's threads. */
  slots: number;
  /**
   * Validations of one tenant running at once. Below `slots`, so that one tenant's large dossiers
   * never hold every thread and another tenant's dossier starts at once.
   */
  runningPerTenant: number;
  /** Bytes of one tenant running at once; a tenant with nothing running may always start one dossier. */
  runningBytesPerTenant: number;
  /** Dossiers one tenant may have waiting; more are refused (503, retry later). */
  waitingPerTenant: number;
  /** Bytes one tenant may have waiting: waiting dossiers are held in memory. */
  waitingBytesPerTenant: number;
  /** Dossiers of all tenants waiting together. */
  waitingTotal: number;
}

/** At most `slots - 1` per tenant (one thread kept for the others), never less than one. */
export function runningPerTenantFor(slots: number): number {
  return Math.max(1, slots - 1);
}

export type QueueRefusal = 'tenant_queue_full' | 'queue_full';

interface Waiting<T> {
  job: T;
  bytes: number;
}

interface TenantLine<T> {
  waiting: Waiting<T>[];
  waitingBytes: number;
  running: number;
  runningBytes: number;
}

/**
 * Which validation runs next: each tenant waits in its own bounded line, and free threads are handed
 * out round-robin over the tenants whose next dossier may start under their running limits (count and
 * bytes, so large dossiers weigh by their size). Pure bookkeeping: the caller runs what `next()` hands
 * out and reports `finished()`; nothing here knows threads or timers.
 */
export class FairValidationQueue<T> {
  private readonly lines = new Map<string, TenantLine<T>>();
  /** Tenants in round-robin order; the next turn starts after the tenant served last. */
  private order: string[] = [];
  private running = 0;
  private waitingTotal = 0;

  constructor(private readonly limits: FairShareLimits) {}

  /** Queues a job, or says why it may not wait. */
  enqueue(tenant: string, bytes: number, job: T): QueueRefusal | null {
    const line = this.lineOf(tenant);
    if (
      line.waiting.length >= this.limits.waitingPerTenant ||
      (line.waiting.length > 0 && line.waitingBytes + bytes > this.limits.waitingBytesPerTenant)
    ) {
      this.dropIfIdle(tenant, line);
      return 'tenant_queue_full';
    }
    if (this.waitingTotal >= this.limits.waitingTotal) {
      this.dropIfIdle(tenant, line);
      return 'queue_full';
    }
    line.waiting.push({ job, bytes });
    line.waitingBytes += bytes;
    this.waitingTotal++;
    return null;
  }

  /** The next job to run, taken out of its line and counted as running; null when none may start. */
  next(): { tenant: string; bytes: number; job: T } | null {
    if (this.running >= this.limits.slots) return null;
    for (let turn = 0; turn < this.order.length; turn++) {
      const tenant = this.order[turn];
      const line = this.lines.get(tenant)!;
      const head = line.waiting[0];
      if (!head || !this.mayStart(line, head.bytes)) continue;
      line.waiting.shift();
      line.waitingBytes -= head.bytes;
      line.running++;
      line.runningBytes += head.bytes;
      this.waitingTotal--;
      this.running++;
      // This tenant goes to the back: the others get their turn first.
      this.order = [...this.order.slice(turn + 1), ...this.order.slice(0, turn + 1)];
      return { tenant, bytes: head.bytes, job: head.job };
    }
    return null;
  }

  /** A job handed out by `next()` is done (whatever its outcome). */
  finished(tenant: string, bytes: number): void {
    const line = this.lines.get(tenant);
    if (!line || line.running === 0) throw new Error(`no running validation for tenant ${tenant}`);
    line.running--;
    line.runningBytes -= bytes;
    this.running--;
    this.dropIfIdle(tenant, line);
  }

  /** Takes a job out of its line before it started (e.g. the client went away); false if not waiting. */
  withdraw(tenant: string, job: T): boolean {
    const line = this.lines.get(tenant);
    const index = line?.waiting.findIndex((entry) => entry.job === job) ?? -1;
    if (!line || index === -1) return false;
    const [entry] = line.waiting.splice(index, 1);
    line.waitingBytes -= entry.bytes;
    this.waitingTotal--;
    this.dropIfIdle(tenant, line);
    return true;
  }

  /** What is waiting and running, for a tenant or in all. */
  load(tenant?: string): { waiting: number; running: number } {
    if (tenant === undefined) return { waiting: this.waitingTotal, running: this.running };
    const line = this.lines.get(tenant);
    return { waiting: line?.waiting.length ?? 0, running: line?.running ?? 0 };
  }

  private mayStart(line: TenantLine<T>, bytes: number): boolean {
    if (line.running === 0) return true;
    return (
      line.running < this.limits.runningPerTenant &&
      line.runningBytes + bytes <= this.limits.runningBytesPerTenant
    );
  }

  private lineOf(tenant: string): TenantLine<T> {
    let line = this.lines.get(tenant);
    if (!line) {
      line = { waiting: [], waitingBytes: 0, running: 0, runningBytes: 0 };
      this.lines.set(tenant, line);
      this.order.push(tenant);
    }
    return line;
  }

  /** Tenants with nothing waiting or running are forgotten, so the map does not grow with every client. */
  private dropIfIdle(tenant: string, line: TenantLine<T>): void {
    if (line.waiting.length > 0 || line.running > 0) return;
    this.lines.delete(tenant);
    this.order = this.order.filter((entry) => entry !== tenant);
  }
}
