/** The request header a vendor names its retry with (draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Set (to `true`) on an answer that is the stored answer of the key's first request, not a new one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * How long a key is kept after its first use: a vendor's retries come within minutes or hours (a night's
 * batch re-run at the latest); after a day the key is deleted and may be used for anything again.
 */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

/**
 * How long an attempt holds its key without renewing it. Renewed every third of it while it runs, so
 * only a dead attempt (a killed instance) lets it lapse: the retry is refused as in flight for at most
 * this long, then runs.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 10;

/** At most this many expired keys are deleted each time a new key is claimed (bounded work per request). */
export const IDEMPOTENCY_PURGE_BATCH = 100;

/** The answer headers a replay repeats: the log entries the step wrote (the rest are per answer). */
export const REPLAYED_ANSWER_HEADERS = ['x-log-entry'] as const;
