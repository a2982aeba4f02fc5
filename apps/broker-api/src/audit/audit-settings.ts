/** What the audit services need from the broker's configuration. */
export interface AuditSettings {
  /** The log's public key (C2SP verifier key text): entries are checked against checkpoints it verifies. */
  logVerifierKey: string;
  /** The broker's pupil-key secret: a pupil report computes the same key the exchange stored. */
  pupilKeySecret: Buffer;
  /** How long one whole-log integrity check is reused (0: never). */
  integrityMaxAgeSeconds: number;
}

export const AUDIT_SETTINGS = Symbol('AUDIT_SETTINGS');
