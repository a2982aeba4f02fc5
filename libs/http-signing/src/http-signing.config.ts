import { Environment, readConfig } from '@app/config';
import { z } from 'zod';

export const httpSigningConfigShape = {
  /**
   * How old a request signature may be. Also how long nonces are kept, so a longer window costs Redis
   * memory and widens the time a captured request could be replayed elsewhere; an hour is the ceiling.
   */
  SIGNATURE_MAX_AGE_SECONDS: z.coerce
    .number({ invalid_type_error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(3600, 'must be at most 3600 seconds (1 hour)')
    .default(300),
};

export interface HttpSigningConfig {
  maxAgeSeconds: number;
}

export function readHttpSigningConfig(env?: Environment): HttpSigningConfig {
  const raw = readConfig(httpSigningConfigShape, env);
  return { maxAgeSeconds: raw.SIGNATURE_MAX_AGE_SECONDS };
}
