/** Stable codes for registry refusals; the API and the CLI show them as they are. */
export type RegistryErrorCode =
  | 'INVALID_VENDOR_ID'
  | 'INVALID_NAME'
  | 'INVALID_SECTOR'
  | 'INVALID_SCHOOL_CODE'
  | 'INVALID_MANDATE_PERIOD'
  | 'INVALID_BEVOEGD_GEZAG'
  | 'INVALID_AUDITOR_SCOPE'
  | 'INVALID_WEBHOOK_URL'
  | 'VENDOR_EXISTS'
  | 'SCHOOL_EXISTS'
  | 'AUDITOR_EXISTS'
  | 'MANDATE_EXISTS'
  | 'UNKNOWN_VENDOR'
  | 'UNKNOWN_SCHOOL'
  | 'UNKNOWN_AUDITOR'
  | 'UNKNOWN_CERTIFICATE'
  | 'NO_ACTIVE_MANDATE'
  | 'CERTIFICATE_ALREADY_BOUND'
  | 'CERTIFICATE_ALREADY_REVOKED';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
