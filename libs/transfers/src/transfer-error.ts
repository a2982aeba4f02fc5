/**
 * Why the exchange refuses something. `kind` says what sort of refusal it is, so the API can choose the
 * HTTP status without the domain knowing about HTTP; `code` is stable for vendors to branch on.
 */
export type TransferErrorKind =
  | 'invalid' // the request itself is malformed
  | 'forbidden' // the vendor may not act for that school (on that side)
  | 'not_found' // no such transfer for this vendor (never says whether it exists for others)
  | 'conflict' // not possible in the transfer's current state
  | 'unprocessable' // well-formed, but the content cannot be accepted (invalid dossier, wrong pupil)
  | 'unavailable'; // the broker cannot take it now (busy, waited too long); nothing changed, retry later

export class TransferError extends Error {
  constructor(
    readonly code: string,
    readonly kind: TransferErrorKind,
    message: string,
    /** Extra facts for the vendor (e.g. the validation findings); never personal data. */
    readonly details?: Record<string, unknown>,
    /** For `unavailable`: when trying again makes sense, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

export const transferNotFound = (): TransferError =>
  new TransferError(
    'TRANSFER_NOT_FOUND',
    'not_found',
    'No transfer with this id for the schools that mandated you.',
  );
