import type { BodyDigests } from './content-digest';
import { HeaderInput, normalizeHeaders } from './message-headers';
import { AnsweredRequest, RESPONSE_COMPONENTS, requestSignatureComponent } from './response-signing';
import { VerificationOutcome } from './signature-refusal';
import {
  DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  VerifiedSignature,
  verifyMessageSignature,
} from './signature-verification';
import { CertificateKey } from './signing-keys';

export interface SignedResponseToVerify {
  status: number;
  headers: HeaderInput;
  /** The body, or its digests when it was streamed on rather than kept (see `BodyDigester`). */
  body: Buffer | BodyDigests;
  /** The request as the client sent it, with its Signature headers. */
  request: AnsweredRequest;
  /** The label the client signed the request with; the response must then cover that signature. */
  requestSignatureLabel?: string;
  /** The broker's server certificate key: the only key a broker response may be signed with. */
  broker: CertificateKey;
  now?: Date;
  maxAgeSeconds?: number;
  maxFutureSkewSeconds?: number;
}

/**
 * For clients: checks that a response comes from the broker, is unaltered (status, body) and answers this
 * very request. The same refusal codes as for requests apply; there is no replay check (a response is
 * bound to the request's nonce instead).
 */
export async function verifySignedResponse(
  response: SignedResponseToVerify,
): Promise<VerificationOutcome<VerifiedSignature>> {
  return verifyMessageSignature(
    {
      message: { status: response.status, headers: normalizeHeaders(response.headers) },
      request: {
        method: response.request.method,
        url: response.request.url,
        headers: normalizeHeaders(response.request.headers),
      },
      body: response.body,
    },
    response.broker,
    response.now ?? new Date(),
    {
      requiredComponents: [
        ...RESPONSE_COMPONENTS,
        ...(response.requestSignatureLabel === undefined
          ? []
          : [requestSignatureComponent(response.requestSignatureLabel)]),
      ],
      requireNonce: false,
      requireContentDigest: true,
      maxAgeSeconds: response.maxAgeSeconds ?? 300,
      maxFutureSkewSeconds: response.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS,
      subject: 'response',
    },
  );
}
