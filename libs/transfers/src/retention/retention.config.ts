import { Environment, readConfig, setting } from '@app/config';
import type { PayloadPurgeReason } from '../transfer-events';

/**
 * How long a version's payload outlives the end of its purpose, in days, per reason (issue #11, item 7;
 * each term's reason is in docs/operator-guide.md, "Retention"). A retracted version's key goes at once,
 * with the retraction itself.
 */
export type PayloadTerms = Readonly<Record<PayloadPurgeReason, number>>;

export interface RetentionSettings {
  payloadTerms: PayloadTerms;
  /** How often the release worker runs the retention sweeps. */
  sweepSeconds: number;
}

export const retentionConfigShape = {
  RETENTION_RECEIVED_GRACE_DAYS: setting.nonNegativeInt(14),
  RETENTION_UNACKNOWLEDGED_RELEASE_DAYS: setting.nonNegativeInt(90),
  RETENTION_BLOCKED_DAYS: setting.nonNegativeInt(30),
  RETENTION_WITHDRAWN_DAYS: setting.nonNegativeInt(0),
  RETENTION_EXPIRED_DAYS: setting.nonNegativeInt(0),
  RETENTION_SUPERSEDED_DAYS: setting.nonNegativeInt(30),
  RETENTION_UNCLAIMED_DAYS: setting.nonNegativeInt(60),
  RETENTION_SWEEP_SECONDS: setting.positiveInt(3600),
};

export function readRetentionSettings(env?: Environment): RetentionSettings {
  const raw = readConfig(retentionConfigShape, env);
  return {
    payloadTerms: {
      received: raw.RETENTION_RECEIVED_GRACE_DAYS,
      release_unacknowledged: raw.RETENTION_UNACKNOWLEDGED_RELEASE_DAYS,
      blocked: raw.RETENTION_BLOCKED_DAYS,
      withdrawn: raw.RETENTION_WITHDRAWN_DAYS,
      expired: raw.RETENTION_EXPIRED_DAYS,
      superseded: raw.RETENTION_SUPERSEDED_DAYS,
      unclaimed: raw.RETENTION_UNCLAIMED_DAYS,
    },
    sweepSeconds: raw.RETENTION_SWEEP_SECONDS,
  };
}
