import { ConfigError } from '@app/config';
import { PAYLOAD_PURGE_REASONS } from '../transfer-events';
import { readRetentionSettings } from './retention.config';

describe('readRetentionSettings', () => {
  it('gives every purge reason a term, in days, with the documented defaults', () => {
    const settings = readRetentionSettings({});
    expect(Object.keys(settings.payloadTerms).sort()).toEqual([...PAYLOAD_PURGE_REASONS].sort());
    expect(settings).toEqual({
      payloadTerms: {
        received: 14,
        release_unacknowledged: 90,
        blocked: 30,
        withdrawn: 0,
        expired: 0,
        superseded: 30,
        unclaimed: 60,
      },
      sweepSeconds: 3600,
    });
  });

  it('takes 0 as "at once" and refuses a negative term in one line that names the variable', () => {
    expect(readRetentionSettings({ RETENTION_BLOCKED_DAYS: '0' }).payloadTerms.blocked).toBe(0);
    expect(() => readRetentionSettings({ RETENTION_RECEIVED_GRACE_DAYS: '-1' })).toThrow(ConfigError);
    expect(() => readRetentionSettings({ RETENTION_RECEIVED_GRACE_DAYS: '-1' })).toThrow(
      'Configuration error: RETENTION_RECEIVED_GRACE_DAYS must be 0 or more',
    );
    expect(() => readRetentionSettings({ RETENTION_SWEEP_SECONDS: '0' })).toThrow(/RETENTION_SWEEP_SECONDS/);
  });
});
