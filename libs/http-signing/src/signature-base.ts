import { httpbis } from 'http-message-signatures';
import type { ComponentParser, Request, Response } from 'http-message-signatures';
import type { InnerList } from 'structured-headers';
import { serializeItem, serializeList } from 'structured-headers';
import { MessageHeaders, headerValue, normalizeHeaders } from './message-headers';
import { MessageSigningKey } from './signing-keys';
import { signWith } from './signature-algorithm';

/** A request as signed: `url` is the absolute target URI, exactly the string covered by `@target-uri`. */
export interface SignableRequest {
  method: string;
  url: string;
  headers: MessageHeaders;
}

export interface SignableResponse {
  status: number;
  headers: MessageHeaders;
}

// A type, not an interface, so it can be spread into and passed as a plain header record.
export type SignatureHeaders = {
  signature: string;
  'signature-input': string;
};

/**
 * The RFC 9421 signature base for the components and parameters of one Signature-Input member. The
 * component values (derived components, header canonicalisation, `;req`, `;key`, `;sf`, `;bs`) come from
 * http-message-signatures; we only append the `@signature-params` line, whose value is the member
 * re-serialised (RFC 9421 §2.3), as the library's own verifier does.
 *
 * The target URI is handed to the library as a string on purpose: given a string it covers it verbatim,
 * given a URL object it would re-serialise (and so normalise) it.
 */
export function signatureBase(
  input: InnerList,
  message: SignableRequest | SignableResponse,
  request?: SignableRequest,
): Buffer {
  const fields = input[0].map((item) => serializeItem(item));
  const base = httpbis.createSignatureBase(
    { fields, componentParser },
    message as Request & Response,
    request as Request | undefined,
  );
  base.push(['"@signature-params"', [serializeList([input])]]);
  return Buffer.from(httpbis.formatSignatureBase(base));
}

/**
 * RFC 9421 §2.2.1 covers the method as sent ("no transformation to the input method value's case");
 * http-message-signatures upper-cases it, which would let `get` and `GET` share a signature. Everything
 * else is left to the library (null = its own logic).
 */
const componentParser: ComponentParser = (name, params, message, request) => {
  if (name !== '@method') return null;
  const context = params.has('req') ? request : message;
  return context && 'method' in context ? [context.method] : null;
};

export interface SignatureSpec {
  /** The Signature / Signature-Input dictionary key. */
  label: string;
  /** Component identifiers, e.g. `"@method"`, `"content-digest"`, `"signature";req;key="sig"`. */
  components: string[];
  created: Date;
  nonce?: string;
}

/**
 * Signs with http-message-signatures' `signMessage`, which builds Signature-Input and the base for us;
 * the key's own signer (salt length 64 for RSA-PSS, see signature-algorithm.ts) does the cryptography.
 * Parameters are `keyid`, `alg`, `created` and, when given, `nonce`; no `expires`, the verifier's
 * maximum age decides.
 */
export async function createSignature(
  key: MessageSigningKey,
  spec: SignatureSpec,
  message: SignableRequest | SignableResponse,
  request?: SignableRequest,
): Promise<SignatureHeaders> {
  const params = ['keyid', 'alg', 'created', ...(spec.nonce === undefined ? [] : ['nonce'])];
  // Signature headers already on the message are left out: we add one signature, not append to others.
  const { signature: _s, 'signature-input': _si, ...headers } = message.headers;
  const signed = await httpbis.signMessage(
    {
      key: {
        id: key.keyId,
        alg: key.algorithm,
        sign: async (data: Buffer) => signWith(key.algorithm, key.privateKey, data),
      },
      name: spec.label,
      componentParser,
      params,
      fields: spec.components,
      paramValues: { created: spec.created, nonce: spec.nonce },
    },
    { ...message, headers } as Request & Response,
    request as Request | undefined,
  );
  const signedHeaders = normalizeHeaders(signed.headers);
  const signature = headerValue(signedHeaders, 'signature');
  const signatureInput = headerValue(signedHeaders, 'signature-input');
  if (signature === undefined || signatureInput === undefined) {
    // Would be a change in the library's behaviour; fail loudly rather than send an unsigned message.
    throw new Error('http-message-signatures produced no Signature/Signature-Input headers');
  }
  return { signature, 'signature-input': signatureInput };
}
