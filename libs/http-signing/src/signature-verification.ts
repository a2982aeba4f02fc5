import type { InnerList, Item } from 'structured-headers';
import { isInnerList, parseDictionary, parseItem, serializeItem } from 'structured-headers';
import { BodyDigests, VerifiedDigest, verifyContentDigest } from './content-digest';
import { headerValue } from './message-headers';
import { SignableRequest, SignableResponse, signatureBase } from './signature-base';
import { SignatureAlgorithm, algorithmForKey, describeKey, verifyWith } from './signature-algorithm';
import { VerificationOutcome, refuse } from './signature-refusal';
import { CertificateKey, normalizeKeyId } from './signing-keys';
import { componentKey, isByteSequence } from './structured-values';

/** What a verified signature established; the echo endpoint shows this to a vendor. */
export interface VerifiedSignature {
  /** The certificate fingerprint the signature was made with. */
  keyId: string;
  /** The Signature-Input member that was verified. */
  label: string;
  algorithm: SignatureAlgorithm;
  /** Component identifiers as sent, in the signed order, e.g. `"@method"`, `"content-digest"`. */
  coveredComponents: string[];
  created: Date;
  nonce: string | undefined;
  /** The verified Content-Digest members, or null when the message carried none. */
  digest: VerifiedDigest[] | null;
}

/** Allowed distance of `created` into the future: clocks drift, but not by minutes. */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 60;
/** Nonces are random; fewer characters than 16 bytes in base64url give too little to be unique. */
export const MIN_NONCE_LENGTH = 16;
export const MAX_NONCE_LENGTH = 128;

export interface SignaturePolicy {
  /** Components that must be covered, as identifiers (`"@method"`, `"signature";req;key="sig"`). */
  requiredComponents: string[];
  requireNonce: boolean;
  /** Whether a Content-Digest header must be present and covered (requests: when there is a body). */
  requireContentDigest: boolean;
  maxAgeSeconds: number;
  maxFutureSkewSeconds: number;
  /** `request` or `response`, for the messages. */
  subject: 'request' | 'response';
}

export interface SignedMessage {
  message: SignableRequest | SignableResponse;
  /** For a response: the request it answers, for components with `;req`. */
  request?: SignableRequest;
  /** The body, or its digests when it was streamed on rather than kept. */
  body: Buffer | BodyDigests | undefined;
}

interface Candidate {
  label: string;
  input: InnerList;
}

/**
 * Our verification policy on top of the RFC mechanics. http-message-signatures' own `verifyMessage` is
 * not used: it reads the clock itself (no injected `now`), reports only true/false (not which signature
 * or components verified, which the echo endpoint needs), and cannot tell our refusal reasons apart.
 */
export async function verifyMessageSignature(
  signed: SignedMessage,
  key: CertificateKey,
  now: Date,
  policy: SignaturePolicy,
): Promise<VerificationOutcome<VerifiedSignature>> {
  const headers = signed.message.headers;
  const { subject } = policy;
  const signatureHeader = headerValue(headers, 'signature');
  const inputHeader = headerValue(headers, 'signature-input');
  if (signatureHeader === undefined && inputHeader === undefined) {
    return refuse(
      'SIGNATURE_MISSING',
      `The ${subject} is not signed. Sign it with the key of your client certificate (RFC 9421): send ` +
        'Signature-Input and Signature headers, with keyid set to the SHA-256 fingerprint of the certificate.',
    );
  }
  if (signatureHeader === undefined || inputHeader === undefined) {
    const absent = signatureHeader === undefined ? 'Signature' : 'Signature-Input';
    return refuse('SIGNATURE_MISSING', `The ${subject} has no ${absent} header; RFC 9421 needs both.`);
  }

  let inputs: ReturnType<typeof parseDictionary>;
  let signatures: ReturnType<typeof parseDictionary>;
  try {
    inputs = parseDictionary(inputHeader);
    signatures = parseDictionary(signatureHeader);
  } catch (error) {
    return refuse(
      'SIGNATURE_INVALID',
      `Signature or Signature-Input is not an RFC 8941 dictionary (${(error as Error).message}).`,
    );
  }

  const chosen = chooseSignature(inputs, key, subject);
  if (!chosen.ok) return chosen;
  const { label, input } = chosen.verified;
  const signatureMember = signatures.get(label);
  if (signatureMember === undefined || isInnerList(signatureMember) || !isByteSequence(signatureMember[0])) {
    return refuse(
      'SIGNATURE_INVALID',
      `The Signature header has no byte sequence for label "${label}" (expected ${label}=:<base64>:).`,
    );
  }
  const signatureBytes = Buffer.from(signatureMember[0]);

  const components = checkComponentSyntax(input[0]);
  if (!components.ok) return components;

  const algorithm = algorithmForKey(key.publicKey);
  if (!algorithm) {
    return refuse(
      'SIGNATURE_INVALID',
      `The certificate's key (${describeKey(key.publicKey)}) is of a kind the broker does not verify ` +
        'signatures with; use an RSA, P-256, P-384 or Ed25519 key.',
    );
  }
  const alg = input[1].get('alg');
  if (alg !== undefined && alg !== algorithm) {
    return refuse(
      'SIGNATURE_INVALID',
      `The signature claims alg "${String(alg)}", but the certificate's key (${describeKey(key.publicKey)}) ` +
        `signs with ${algorithm}. Sign with ${algorithm}, or leave alg out.`,
    );
  }

  const digestHeader = headerValue(headers, 'content-digest');
  if (policy.requireContentDigest && digestHeader === undefined) {
    return refuse(
      'CONTENT_DIGEST_MISSING',
      `The ${subject} has no Content-Digest header. Add \`Content-Digest: sha-256=:<base64 of the SHA-256 ` +
        'of the body>:` (RFC 9530) and cover "content-digest" in the signature.',
    );
  }

  const coverage = checkCoverage(input, label, policy);
  if (!coverage.ok) return coverage;
  const parameters = readParameters(input[1]);
  if (!parameters.ok) return parameters;
  const { created, nonce, expires } = parameters.verified;
  const fresh = checkAge(created, expires, now, policy);
  if (!fresh.ok) return fresh;

  let base: Buffer;
  try {
    base = signatureBase(input, signed.message, signed.request);
  } catch (error) {
    // The library names what it could not find, e.g. `No header "content-type" found in headers`.
    return refuse(
      'SIGNATURE_INVALID',
      `A covered component cannot be taken from the ${subject}: ${(error as Error).message}.`,
    );
  }
  if (!verifyWith(algorithm, key.publicKey, base, signatureBytes)) {
    return refuse(
      'SIGNATURE_INVALID',
      `The signature "${label}" does not verify with the certificate's key. Sign the ${subject} exactly as ` +
        `sent (method, the absolute target URI, covered headers) with ${algorithm}` +
        (algorithm === 'rsa-pss-sha512' ? ' (salt length 64, RFC 9421 §3.3.1)' : '') +
        ' and the private key of the certificate you connect with.',
    );
  }

  let digest: VerifiedDigest[] | null = null;
  if (digestHeader !== undefined) {
    const checked = verifyContentDigest(digestHeader, signed.body ?? Buffer.alloc(0));
    if (!checked.ok) return checked;
    digest = checked.digests;
  }

  return {
    ok: true,
    verified: {
      keyId: key.fingerprintSha256,
      label,
      algorithm,
      coveredComponents: input[0].map((item) => serializeItem(item)),
      created: new Date(created * 1000),
      nonce,
      digest,
    },
  };
}

/**
 * The one signature made with the presented certificate's key. Other signatures (an intermediary's, a
 * second key's) are ignored, as RFC 9421 §3.2 leaves the choice to the verifier; two with our keyid are
 * ambiguous and refused.
 */
function chooseSignature(
  inputs: ReturnType<typeof parseDictionary>,
  key: CertificateKey,
  subject: string,
): VerificationOutcome<Candidate> {
  const mine: Candidate[] = [];
  const others: string[] = [];
  for (const [label, member] of inputs) {
    if (!isInnerList(member)) {
      return refuse(
        'SIGNATURE_INVALID',
        `Signature-Input member "${label}" must be an inner list of components with parameters, e.g. ` +
          '("@method" "@target-uri");created=…;keyid="…";nonce="…".',
      );
    }
    const keyId = member[1].get('keyid');
    if (typeof keyId === 'string' && normalizeKeyId(keyId) === key.fingerprintSha256) {
      mine.push({ label, input: member });
    } else {
      others.push(typeof keyId === 'string' ? `"${keyId.slice(0, 100)}"` : '(none)');
    }
  }
  if (mine.length > 1) {
    return refuse(
      'SIGNATURE_INVALID',
      `The ${subject} carries ${mine.length} signatures with this certificate's keyid; send exactly one.`,
    );
  }
  if (mine.length === 0) {
    return refuse(
      'SIGNATURE_KEY_MISMATCH',
      `No signature has keyid "${key.fingerprintSha256}", the SHA-256 fingerprint of the certificate the ` +
        `${subject} must be signed with (found keyid ${others.join(', ') || '(none)'}).` +
        (subject === 'request'
          ? ' Sign with the key of the client certificate you connect with, and set keyid to its fingerprint.'
          : ''),
    );
  }
  return { ok: true, verified: mine[0] };
}

/** The policy's components and parameters, all listed at once so a developer fixes them in one go. */
function checkCoverage(input: InnerList, label: string, policy: SignaturePolicy): VerificationOutcome<true> {
  const covered = new Set(input[0].map(componentKey));
  const required = [...policy.requiredComponents];
  if (policy.requireContentDigest) required.push('"content-digest"');
  const missing = [...new Set(required)].filter((c) => !covered.has(componentKey(parseItem(c))));
  const params = input[1];
  const missingParams = ['created', ...(policy.requireNonce ? ['nonce'] : [])].filter((p) => !params.has(p));
  if (missing.length === 0 && missingParams.length === 0) return { ok: true, verified: true };
  const parts = [
    ...(missing.length > 0 ? [`components ${missing.join(', ')}`] : []),
    ...(missingParams.length > 0 ? [`parameters ${missingParams.join(', ')}`] : []),
  ];
  return refuse(
    'SIGNATURE_COMPONENTS_MISSING',
    `The signature "${label}" does not cover ${parts.join(' and ')}. Add them to its Signature-Input.`,
  );
}

interface TimeAndNonce {
  created: number;
  expires: number | undefined;
  nonce: string | undefined;
}

function readParameters(params: InnerList[1]): VerificationOutcome<TimeAndNonce> {
  const created = params.get('created');
  if (typeof created !== 'number' || !Number.isInteger(created)) {
    return refuse('SIGNATURE_INVALID', 'The created parameter must be an integer (seconds since 1970, UTC).');
  }
  const expires = params.get('expires');
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isInteger(expires))) {
    return refuse('SIGNATURE_INVALID', 'The expires parameter must be an integer (seconds since 1970, UTC).');
  }
  const nonce = params.get('nonce');
  if (
    nonce !== undefined &&
    (typeof nonce !== 'string' || nonce.length < MIN_NONCE_LENGTH || nonce.length > MAX_NONCE_LENGTH)
  ) {
    return refuse(
      'SIGNATURE_INVALID',
      `The nonce parameter must be a string of ${MIN_NONCE_LENGTH} to ${MAX_NONCE_LENGTH} characters; ` +
        'use 16 or more random bytes in base64url.',
    );
  }
  return { ok: true, verified: { created, expires, nonce } };
}

/** Our maximum age bounds `created` whatever `expires` says; a signer's own `expires` can only shorten it. */
function checkAge(
  created: number,
  expires: number | undefined,
  now: Date,
  policy: SignaturePolicy,
): VerificationOutcome<true> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const age = nowSeconds - created;
  if (age > policy.maxAgeSeconds) {
    return refuse(
      'SIGNATURE_EXPIRED',
      `The signature was created ${age} s ago; signatures are accepted up to ${policy.maxAgeSeconds} s old. ` +
        `Sign every ${policy.subject} when you send it, and check your clock (NTP).`,
    );
  }
  if (-age > policy.maxFutureSkewSeconds) {
    return refuse(
      'SIGNATURE_EXPIRED',
      `The signature was created ${-age} s in the future by the receiver's clock (at most ` +
        `${policy.maxFutureSkewSeconds} s is tolerated). Check your clock (NTP).`,
    );
  }
  if (expires !== undefined && expires < nowSeconds) {
    return refuse(
      'SIGNATURE_EXPIRED',
      `The signature expired ${nowSeconds - expires} s ago (its expires parameter).`,
    );
  }
  return { ok: true, verified: true };
}

/** RFC 9421 §2: component names are lower case, each component at most once, `@signature-params` never. */
function checkComponentSyntax(items: Item[]): VerificationOutcome<true> {
  const seen = new Set<string>();
  for (const item of items) {
    const name = item[0];
    if (typeof name !== 'string') {
      return refuse('SIGNATURE_INVALID', 'Every covered component must be a quoted string, e.g. "@method".');
    }
    if (name !== name.toLowerCase()) {
      return refuse(
        'SIGNATURE_INVALID',
        `Component names are lower case ("${name.toLowerCase()}", not "${name}").`,
      );
    }
    if (name === '@signature-params') {
      return refuse('SIGNATURE_INVALID', '"@signature-params" cannot be covered as a component.');
    }
    const key = componentKey(item);
    if (seen.has(key))
      return refuse('SIGNATURE_INVALID', `Component ${serializeItem(item)} is covered twice.`);
    seen.add(key);
  }
  return { ok: true, verified: true };
}
