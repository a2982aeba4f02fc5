import type { LogIntegrity } from '@app/exchange-log';

/** A whole-log integrity check as auditors get it: which checkpoint it covers and when it ran. */
export interface CheckedLogIntegrity extends LogIntegrity {
  /** When the check began (ISO 8601 UTC): a row changed after this is seen by the next check. */
  checkedAt: string;
}

/**
 * One whole-log integrity check at a time per process, its answer reused for a bounded age. Re-hashing
 * the log takes seconds at 100k entries and minutes at 10M, and every auditor opening `/audit` asks for
 * it: without this, N auditors mean N concurrent full re-hashes. Callers arriving while a check runs
 * share it (single-flight); callers within `maxAgeMs` of its start get its answer. The age is counted
 * from the start, so the answer is never older than `maxAgeMs` plus one check's duration.
 *
 * A newer checkpoint does not void the answer: every auditor query is itself an entry, so the log moves
 * on each page load, and keying on the checkpoint would re-hash on every load.
 */
export class SharedIntegrityCheck {
  private last: { answer: CheckedLogIntegrity; startedAtMs: number } | null = null;
  private running: Promise<CheckedLogIntegrity> | null = null;

  constructor(
    private readonly check: () => Promise<LogIntegrity>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<CheckedLogIntegrity> {
    if (this.last !== null && this.now() - this.last.startedAtMs < this.maxAgeMs) {
      return Promise.resolve(this.last.answer);
    }
    this.running ??= this.run();
    return this.running;
  }

  private async run(): Promise<CheckedLogIntegrity> {
    const startedAtMs = this.now();
    try {
      const integrity = await this.check();
      const answer = { ...integrity, checkedAt: new Date(startedAtMs).toISOString() };
      this.last = { answer, startedAtMs };
      return answer;
    } finally {
      // A failed check is not kept: the next caller tries again.
      this.running = null;
    }
  }
}
