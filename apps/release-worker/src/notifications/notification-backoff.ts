import type { NotificationSettings } from './notification.config';

/**
 * When to try again after `attempts` failed attempts, or null when none is left (dead letter).
 * Exponential (base · 2^(attempts−1), capped at the maximum) with "equal jitter": half the wait is fixed,
 * the other half random, so receivers coming back up are not hit by every broker's retries at once while
 * the wait still grows. `random` is in [0, 1) (Math.random; tests pass their own).
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  settings: Pick<NotificationSettings, 'attempts' | 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number = Math.random,
): Date | null {
  if (attempts >= settings.attempts) return null;
  const exponential = settings.backoffBaseMs * 2 ** Math.max(0, attempts - 1);
  const wait = Math.min(settings.backoffMaxMs, exponential);
  const jittered = wait / 2 + random() * (wait / 2);
  return new Date(now.getTime() + Math.round(jittered));
}
