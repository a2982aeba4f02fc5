import { randomBytes } from 'node:crypto';
import { createContentDigest } from './content-digest';
import { HeaderInput, MessageHeaders, headerValue, normalizeHeaders } from './message-headers';
import { createSignature } from './signature-base';
import { MessageSigningKey } from './signing-keys';

/** The Signature-Input label our client uses; the broker accepts any label whose keyid is the certificate's. */
export const REQUEST_SIGNATURE_LABEL = 'sig';

export interface RequestToSign {
  method: string;
  /** Absolute URL; it is covered as `@target-uri` in its WHATWG serialisation (`new URL(url).href`). */
  url: string | URL;
  headers?: HeaderInput;
  /** The exact bytes that will be sent; undefined for a request without a body. */
  body?: Buffer;
}

export interface SignRequestOptions {
  key: MessageSigningKey;
  now?: Date;
  /** Tests set it to provoke a replay; otherwise 16 random bytes, base64url. */
  nonce?: string;
}

export interface SignedRequestHeaders {
  /** The URL as signed: send the request to exactly this. */
  url: string;
  /** The caller's headers plus content-digest (with a body), signature-input and signature. */
  headers: MessageHeaders;
  nonce: string;
  label: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Signs a request the way the broker demands: `@method`, `@target-uri`, `content-digest` when there is a
 * body, and `content-type` when set (so a body cannot be re-labelled), with `created`, `keyid`, `alg`
 * and a fresh `nonce`.
 */
export async function signRequest(
  request: RequestToSign,
  options: SignRequestOptions,
): Promise<SignedRequestHeaders> {
  const url = new URL(request.url).href;
  const headers = normalizeHeaders(request.headers ?? {});
  const components = ['"@method"', '"@target-uri"'];
  if (request.body !== undefined) {
    headers['content-digest'] = createContentDigest(request.body);
    components.push('"content-digest"');
  }
  if (headerValue(headers, 'content-type') !== undefined) components.push('"content-type"');
  const nonce = options.nonce ?? newNonce();
  const signature = await createSignature(
    options.key,
    { label: REQUEST_SIGNATURE_LABEL, components, created: options.now ?? new Date(), nonce },
    { method: request.method.toUpperCase(), url, headers },
  );
  return { url, headers: { ...headers, ...signature }, nonce, label: REQUEST_SIGNATURE_LABEL };
}
