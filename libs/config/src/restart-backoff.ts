/**
 * When to restart a process that died: 1 s after the first death, doubling to at most 30 s while it keeps
 * dying, and back to 1 s once it has run stably for a minute. One policy for every supervisor (the
 * broker-api cluster primary, `oso up`), so an operator learns it once.
 */
export interface RestartBackoff {
  /** Delay before the first restart after a stable run. */
  initialMs: number;
  /** The ceiling the doubling stops at. */
  maxMs: number;
  /** A process that ran at least this long before dying starts the sequence over. */
  stableAfterMs: number;
}

export const RESTART_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000, stableAfterMs: 60_000 };

export interface RestartPlan {
  /** Consecutive quick deaths so far, this one included (1 after a stable run). */
  consecutive: number;
  delayMs: number;
}

/**
 * The restart after a death: `previousConsecutive` is the plan's count at the last restart (0 if none),
 * `ranForMs` how long the process ran (or served) this time. Pure, so every supervisor shares it.
 */
export function planRestart(
  previousConsecutive: number,
  ranForMs: number,
  policy: RestartBackoff = RESTART_BACKOFF,
): RestartPlan {
  const consecutive = ranForMs >= policy.stableAfterMs ? 1 : previousConsecutive + 1;
  // 2^(n-1) grows past any ceiling quickly; cap the exponent so the number stays finite.
  const delayMs = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(consecutive - 1, 30));
  return { consecutive, delayMs };
}

/** "1 s", "30 s", "0.5 s": how the delay reads in a log line. */
export function describeDelay(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
