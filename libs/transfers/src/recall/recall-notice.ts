import { SignatureAlgorithm, verifyWith } from '@app/http-signing';
import { KeyObject, X509Certificate, createHash } from 'node:crypto';
import type { RetractionReason } from '../transfer-events';

/** What names a recall notice's canonical form; a later form gets a new name. */
export const RECALL_NOTICE_TYPE = 'oso-recall-notice/v1';

/** Why a released version is recalled: the same closed list as a retraction's reasons. */
export type RecallReason = RetractionReason;

/** The facts a recall notice states, all of them signed. No pupil: schools by code, the version by hash. */
export interface RecallNoticeFacts {
  noticeId: string;
  transferId: string;
  /** BRIN + vestiging of the sending and the receiving school. */
  sourceSchool: string;
  targetSchool: string;
  /** canonicalSha256 of the recalled version. */
  versionHash: string;
  reason: RecallReason;
  /** ISO 8601, UTC, milliseconds. */
  issuedAt: string;
}

/** The broker's key that signs its notices: the key of its server certificate, as for its answers. */
export interface NoticeSigner {
  /** SHA-256 fingerprint of the broker's server certificate (lowercase hex), as `keyid` in its answers. */
  keyId: string;
  algorithm: SignatureAlgorithm;
  sign(data: Buffer): Buffer;
}

/** A signed notice as both sides read it: the exact bytes signed, and the signature over them. */
export interface RecallNoticeView extends RecallNoticeFacts {
  /** The canonical JSON that was signed (UTF-8), as a string: verify over exactly these bytes. */
  notice: string;
  signature: { algorithm: SignatureAlgorithm; keyId: string; value: string };
}

/**
 * The canonical form: a JSON object of strings only, keys in lexicographic order, no whitespace, UTF-8.
 * With string values only, `JSON.stringify` of a key-sorted object is this form (and RFC 8785's).
 */
export function canonicalRecallNotice(facts: RecallNoticeFacts): Buffer {
  const members: Record<string, string> = { ...facts, type: RECALL_NOTICE_TYPE };
  const sorted = Object.fromEntries(
    Object.keys(members)
      .sort()
      .map((key) => [key, members[key]]),
  );
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/**
 * How a receiver checks a notice: `keyId` must be the SHA-256 fingerprint of the broker certificate it
 * trusts (the one it verifies the broker's answers with), and the signature must verify over the exact
 * bytes of `notice` with that certificate's key and the named algorithm; the facts are read from `notice`.
 * Answers the facts signed, or null when anything does not hold.
 */
export function verifyRecallNotice(
  view: Pick<RecallNoticeView, 'notice' | 'signature'>,
  brokerCertificate: string | Buffer | X509Certificate,
): (RecallNoticeFacts & { type: string }) | null {
  const certificate =
    brokerCertificate instanceof X509Certificate ? brokerCertificate : new X509Certificate(brokerCertificate);
  const fingerprint = certificate.fingerprint256.replace(/:/g, '').toLowerCase();
  if (view.signature.keyId !== fingerprint) return null;
  const key: KeyObject = certificate.publicKey;
  const bytes = Buffer.from(view.notice, 'utf8');
  const signature = Buffer.from(view.signature.value, 'base64');
  if (!verifyWith(view.signature.algorithm, key, bytes, signature)) return null;
  const facts = JSON.parse(view.notice) as RecallNoticeFacts & { type: string };
  return facts.type === RECALL_NOTICE_TYPE ? facts : null;
}

/** SHA-256 (hex) of a notice's canonical bytes: what the log could name it by. */
export function recallNoticeDigest(notice: Buffer): string {
  return createHash('sha256').update(notice).digest('hex');
}
