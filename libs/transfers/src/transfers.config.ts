import { ConfigError, Environment, readConfig, setting } from '@app/config';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TransferSettings } from './transfer.service';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MIN_SECRET_BYTES = 32;

export const transfersConfigShape = {
  /**
   * Key of the HMAC that turns a pupil key (BSN or onderwijsnummer + birth date) into what the database
   * stores. Checked by readTransferSettings, whose messages never repeat it.
   */
  PUPIL_KEY_SECRET: z.string({ required_error: 'must be a base64 secret of at least 32 bytes' }),
  TRANSFER_REQUEST_LIFETIME_DAYS: setting.positiveInt(90),
};

export function readTransferSettings(env?: Environment): TransferSettings {
  const raw = readConfig(transfersConfigShape, env);
  const encoded = raw.PUPIL_KEY_SECRET.trim();
  if (!BASE64.test(encoded) || Buffer.from(encoded, 'base64').length < MIN_SECRET_BYTES) {
    throw new ConfigError(
      'PUPIL_KEY_SECRET',
      `must be base64 of at least ${MIN_SECRET_BYTES} random bytes (e.g. openssl rand -base64 32)`,
    );
  }
  return {
    pupilKeySecret: Buffer.from(encoded, 'base64'),
    requestLifetimeDays: raw.TRANSFER_REQUEST_LIFETIME_DAYS,
  };
}

/** A fresh secret for a development broker. Changing it later orphans every stored pupil key hash. */
export function developmentPupilKeySecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('base64');
}
