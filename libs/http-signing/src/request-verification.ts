import { HeaderInput, normalizeHeaders } from './message-headers';
import { NonceStore } from './nonce-store';
import { VerificationOutcome, refuse } from './signature-refusal';
import {
  DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  VerifiedSignature,
  verifyMessageSignature,
} from './signature-verification';
import { CertificateKey } from './signing-keys';

/** Every signed request covers these, and `created` and `nonce`. */
export const REQUIRED_REQUEST_COMPONENTS = ['"@method"', '"@target-uri"'] as const;
/**
 * A request with a body also covers its Content-Type (`content-digest` is required by the digest
 * policy): otherwise the same bytes could be relabelled, e.g. JSON sent on as XML.
 */
export const REQUIRED_BODY_COMPONENTS = ['"content-type"'] as const;

export interface SignedRequestToVerify {
  method: string;
  /** The absolute target URI as the broker sees it (see `targetUriOf`). */
  url: string;
  headers: HeaderInput;
  /** The raw body bytes as received; undefined or empty when there is none. */
  body: Buffer | undefined;
  /** The presented client certificate's key and fingerprint (`certificateKey(peer.raw)`). */
  certificate: CertificateKey;
  now?: Date;
  maxAgeSeconds: number;
  maxFutureSkewSeconds?: number;
  nonceStore: NonceStore;
}

export interface VerifiedRequest extends VerifiedSignature {
  nonce: string;
}

/**
 * Verifies an RFC 9421 signed request made with the key of the client certificate presented on the
 * connection, then records its nonce. The nonce is recorded only after everything else passed, so
 * unsigned or badly signed requests never fill the store. A failing nonce store (Redis down) throws:
 * that is the broker's problem, not a refusal of the client.
 */
export async function verifySignedRequest(
  request: SignedRequestToVerify,
): Promise<VerificationOutcome<VerifiedRequest>> {
  const body = request.body !== undefined && request.body.length > 0 ? request.body : undefined;
  const maxFutureSkewSeconds = request.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS;
  const outcome = await verifyMessageSignature(
    {
      message: { method: request.method, url: request.url, headers: normalizeHeaders(request.headers) },
      body: request.body,
    },
    request.certificate,
    request.now ?? new Date(),
    {
      requiredComponents: [
        ...REQUIRED_REQUEST_COMPONENTS,
        ...(body !== undefined ? REQUIRED_BODY_COMPONENTS : []),
      ],
      requireNonce: true,
      requireContentDigest: body !== undefined,
      maxAgeSeconds: request.maxAgeSeconds,
      maxFutureSkewSeconds,
      subject: 'request',
    },
  );
  if (!outcome.ok) return outcome;
  const verified = outcome.verified;
  const nonce = verified.nonce as string; // required by the policy above
  // Kept for as long as a signature carrying it could still be accepted: created may lie up to the skew
  // in the future, and is accepted until maxAge after created.
  const ttlSeconds = request.maxAgeSeconds + maxFutureSkewSeconds;
  const createdSeconds = Math.floor(verified.created.getTime() / 1000);
  const verdict = await request.nonceStore.remember(verified.keyId, nonce, ttlSeconds, createdSeconds);
  if (verdict === 'replayed') {
    return refuse(
      'SIGNATURE_REPLAYED',
      `A request with this nonce was already accepted from this certificate in the last ${ttlSeconds} s. ` +
        'Sign every request anew with a fresh random nonce; do not resend a signed request as it is.',
    );
  }
  if (verdict === 'before-memory') {
    return refuse(
      'SIGNATURE_EXPIRED',
      "The signature was created before the broker's replay protection last started (it lost its record " +
        'of recent nonces), so a replay cannot be told from a first use. Sign the request anew and send it again.',
    );
  }
  return { ok: true, verified: { ...verified, nonce } };
}

/**
 * The absolute target URI of a request as the broker received it: `https://` + the Host header + the
 * request target as sent (Express's `originalUrl`). Nothing is normalised: a signer covers the URI it
 * sent, and any rewriting here would make honest signatures fail or different URIs look alike.
 */
export function targetUriOf(host: string, requestTarget: string): string {
  if (/^https?:\/\//i.test(requestTarget)) return requestTarget; // absolute-form request target
  return `https://${host}${requestTarget}`;
}
