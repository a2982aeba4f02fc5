/**
 * Why an auditor query is refused. Each code is one of the API's error catalogue (the exception filter
 * takes the status from there), so the domain never names an HTTP status.
 */
export type AuditErrorCode =
  | 'AUDITOR_ONLY'
  | 'AUDIT_TRANSFER_NOT_FOUND'
  | 'AUDIT_FILTER_INVALID'
  | 'CURSOR_INVALID'
  | 'PUPIL_KEY_INVALID'
  | 'LOG_CHECKPOINT_NOT_YET_MADE'
  | 'LOG_ENTRY_NOT_FOUND'
  | 'LOG_ENTRY_NOT_YET_INTEGRATED'
  | 'LOG_TREE_SIZE_OUT_OF_RANGE';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    /** For "not yet" answers: when asking again makes sense, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

export const auditTransferNotFound = (): AuditError =>
  new AuditError(
    'AUDIT_TRANSFER_NOT_FOUND',
    'No transfer with this id about a school in your scope (whether or not it exists).',
  );
