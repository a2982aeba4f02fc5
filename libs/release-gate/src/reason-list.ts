import { REASON_EFFECTS, type Reason, type ReasonCode, type ReasonEffect } from './release-reasons';

const EFFECT_RANK: Record<ReasonEffect, number> = { blocks: 0, waits: 1, grounds: 2 };

/** Reasons gathered while deciding: one per code, citing every record it concerns. */
export class ReasonList {
  private readonly byCode = new Map<ReasonCode, { message: string; evidence: Set<string> }>();

  add(code: ReasonCode, message: string, evidence: readonly string[] = []): void {
    const known = this.byCode.get(code);
    if (!known) this.byCode.set(code, { message, evidence: new Set(evidence) });
    else for (const id of evidence) known.evidence.add(id);
  }

  has(code: ReasonCode): boolean {
    return this.byCode.has(code);
  }

  /** Blocking reasons first, then waiting ones, then the grounds; ids sorted, so input order never shows. */
  list(): Reason[] {
    return [...this.byCode.entries()]
      .map(([code, { message, evidence }]) => ({ code, message, evidence: [...evidence].sort() }))
      .sort(
        (a, b) =>
          EFFECT_RANK[REASON_EFFECTS[a.code]] - EFFECT_RANK[REASON_EFFECTS[b.code]] ||
          a.code.localeCompare(b.code),
      );
  }
}

/** Reasons held back until it is known whether they matter (a valid record elsewhere makes them moot). */
export class PendingReasons {
  private readonly items: { code: ReasonCode; message: string; evidence: readonly string[] }[] = [];

  add(code: ReasonCode, message: string, evidence: readonly string[]): void {
    this.items.push({ code, message, evidence });
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  flushInto(reasons: ReasonList): void {
    for (const item of this.items) reasons.add(item.code, item.message, item.evidence);
  }
}
