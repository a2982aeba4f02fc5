/**
 * Stable codes for a refused signed message. Like the mutual-TLS codes, each names one thing a vendor's
 * developer can fix; the broker answers all of them with HTTP 401.
 */
export type SignatureRefusalCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_KEY_MISMATCH'
  | 'SIGNATURE_COMPONENTS_MISSING'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_REPLAYED'
  | 'CONTENT_DIGEST_MISSING'
  | 'CONTENT_DIGEST_MISMATCH';

export interface SignatureRefusal {
  code: SignatureRefusalCode;
  /** What is wrong and what to do; never contains key material or message content. */
  message: string;
}

/** Either the facts a verification established, or the one reason it refused. */
export type VerificationOutcome<T> = { ok: true; verified: T } | { ok: false; refusal: SignatureRefusal };

export function refuse(
  code: SignatureRefusalCode,
  message: string,
): { ok: false; refusal: SignatureRefusal } {
  return { ok: false, refusal: { code, message } };
}

/** For callers that prefer to throw, e.g. the client library when the broker's response does not verify. */
export class SignatureRefusalError extends Error {
  readonly code: SignatureRefusalCode;

  constructor(refusal: SignatureRefusal) {
    super(`${refusal.code}: ${refusal.message}`);
    this.name = 'SignatureRefusalError';
    this.code = refusal.code;
  }
}
