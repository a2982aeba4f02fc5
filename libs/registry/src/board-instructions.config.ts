import { ConfigError, Environment, readConfig, setting } from '@app/config';

/** The terms a school board may set for keeping metadata and evidence, in months (issue #11, item 7). */
export interface RetentionBounds {
  minMonths: number;
  maxMonths: number;
}

export const boardInstructionsConfigShape = {
  /** Shortest term a board may set: evidence must outlive a complaint about the release (see operator guide). */
  BOARD_RETENTION_MIN_MONTHS: setting.positiveInt(12),
  /** Longest term a board may set: metadata about pupils is not kept indefinitely (AVG art. 5(1)(e)). */
  BOARD_RETENTION_MAX_MONTHS: setting.positiveInt(120),
};

export function readRetentionBounds(env?: Environment): RetentionBounds {
  const raw = readConfig(boardInstructionsConfigShape, env);
  if (raw.BOARD_RETENTION_MIN_MONTHS > raw.BOARD_RETENTION_MAX_MONTHS) {
    throw new ConfigError('BOARD_RETENTION_MIN_MONTHS', 'must not exceed BOARD_RETENTION_MAX_MONTHS');
  }
  return { minMonths: raw.BOARD_RETENTION_MIN_MONTHS, maxMonths: raw.BOARD_RETENTION_MAX_MONTHS };
}
