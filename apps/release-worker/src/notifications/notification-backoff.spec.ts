import { nextAttemptAt } from './notification-backoff';
import { readNotificationSettings } from './notification.config';

const settings = { attempts: 5, backoffBaseMs: 1000, backoffMaxMs: 5000 };
const now = new Date('2026-10-01T10:00:00.000Z');
const waitAfter = (attempts: number, random: number) =>
  (nextAttemptAt(attempts, now, settings, () => random)?.getTime() ?? NaN) - now.getTime();

describe('notification backoff', () => {
  it('doubles the wait after each failed attempt, up to the maximum', () => {
    // random 0.999… ≈ the full wait; the fixed half is the least.
    expect([1, 2, 3, 4].map((attempts) => waitAfter(attempts, 1 - 1e-9))).toEqual([1000, 2000, 4000, 5000]);
    expect([1, 2, 3, 4].map((attempts) => waitAfter(attempts, 0))).toEqual([500, 1000, 2000, 2500]);
  });

  it('spreads retries with jitter: between half and all of the wait', () => {
    const waits = Array.from({ length: 200 }, () => waitAfter(3, Math.random()));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4000);
    expect(new Set(waits).size).toBeGreaterThan(1);
  });

  it('answers null after the last attempt: the notification is dead-lettered', () => {
    expect(nextAttemptAt(5, now, settings)).toBeNull();
    expect(nextAttemptAt(6, now, settings)).toBeNull();
    expect(nextAttemptAt(4, now, settings)).not.toBeNull();
  });
});

describe('notification settings', () => {
  it('has defaults, and names the setting that is wrong', () => {
    const defaults = readNotificationSettings({ PKI_DIR: '/pki' });
    expect(defaults).toMatchObject({
      attempts: 12,
      timeoutMs: 10_000,
      backoffBaseMs: 5000,
      backoffMaxMs: 3_600_000,
      clientCertificateFile: '/pki/broker-client.crt',
      signingCertificateFile: '/pki/server.crt',
      extraCaFile: null,
    });
    expect(() =>
      readNotificationSettings({ NOTIFY_BACKOFF_BASE_MS: '5000', NOTIFY_BACKOFF_MAX_MS: '10' }),
    ).toThrow(/NOTIFY_BACKOFF_MAX_MS/);
    expect(() => readNotificationSettings({ NOTIFY_TIMEOUT_MS: '90000' })).toThrow(/NOTIFY_LEASE_SECONDS/);
    expect(() => readNotificationSettings({ NOTIFY_ATTEMPTS: '0' })).toThrow(/NOTIFY_ATTEMPTS/);
  });
});
