import type { ErrorCode } from '../api-errors/error-catalogue';

/** Why a request with an Idempotency-Key is not carried out (catalogued codes, status from there). */
export type IdempotencyRefusalCode = Extract<
  ErrorCode,
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_FLIGHT'
  | 'IDEMPOTENCY_ANSWER_LOST'
>;

export class IdempotencyRefusal extends Error {
  constructor(
    readonly code: IdempotencyRefusalCode,
    message: string,
    /** For an attempt still in flight: when its answer can be asked for again, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IdempotencyRefusal';
  }
}

/** The codes a route under Idempotency-Key may answer with besides its own (for its OpenAPI errors). */
export const IDEMPOTENCY_ERRORS: IdempotencyRefusalCode[] = [
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'IDEMPOTENCY_ANSWER_LOST',
];
