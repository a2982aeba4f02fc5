export { IDEMPOTENCY_ERRORS } from './idempotency-refusal';
export { Idempotent, IdempotencyInterceptor } from './idempotency.interceptor';
export { IdempotencyKeyRepository } from './idempotency-key-repository';
export { IdempotentRequests } from './idempotent-requests';
export * from './idempotency-settings';
