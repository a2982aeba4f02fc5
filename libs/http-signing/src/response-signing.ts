import { createContentDigest } from './content-digest';
import { isInnerList, parseDictionary, serializeItem } from 'structured-headers';
import { HeaderInput, MessageHeaders, headerValue, normalizeHeaders } from './message-headers';
import { SignatureHeaders, createSignature } from './signature-base';
import { MessageSigningKey } from './signing-keys';
import { isByteSequence } from './structured-values';

export const RESPONSE_SIGNATURE_LABEL = 'sig';

/** The request a response answers, as the broker received it. */
export interface AnsweredRequest {
  method: string;
  /** The absolute target URI the request was (or would have been) verified with. */
  url: string;
  headers: HeaderInput;
}

export interface ResponseToSign {
  status: number;
  headers: HeaderInput;
  body: Buffer;
  /**
   * Response headers (lowercase) the signature covers too, when the response has them: what the client
   * may need to prove besides status and body (e.g. the log entries a step wrote).
   */
  coveredHeaders?: readonly string[];
}

/** The components every broker response covers. */
export const RESPONSE_COMPONENTS = [
  '"@status"',
  '"content-digest"',
  '"@method";req',
  '"@target-uri";req',
] as const;

/** The component that binds a response to one signature of the request, e.g. `"signature";req;key="sig"`. */
export function requestSignatureComponent(label: string): string {
  return `"signature";req;key=${serializeItem([label, new Map()])}`;
}

/**
 * The components of a broker response. `@status` and `content-digest` protect what the client reads;
 * `"@method";req` and `"@target-uri";req` bind the answer to the request it answers (RFC 9421 §2.4), so it
 * cannot be passed off as the answer to another request. Every signature the request carried is covered
 * too (`"signature";req;key=<label>`), which pins the exact request, nonce included. That holds for
 * refusals as well (a bad signature is still the request's bytes), so the broker need not know which
 * label a client will check; only a request without a readable Signature header is bound by method and
 * URI alone.
 */
export function responseComponents(requestHeaders: MessageHeaders): string[] {
  return [...RESPONSE_COMPONENTS, ...requestSignatureLabels(requestHeaders).map(requestSignatureComponent)];
}

/**
 * Labels of the request's signatures. Only byte-sequence members count: anything else is not a signature,
 * and the library could not extract it, so binding it would make answering a garbage header fail.
 */
function requestSignatureLabels(headers: MessageHeaders): string[] {
  const signature = headerValue(headers, 'signature');
  if (signature === undefined) return [];
  try {
    return [...parseDictionary(signature)]
      .filter(([, member]) => !isInnerList(member) && isByteSequence(member[0]))
      .map(([label]) => label);
  } catch {
    return []; // unreadable: nothing to bind to, and the request was refused anyway
  }
}

/**
 * Signs a broker response with the broker's server key. Returns the headers to add: Content-Digest of the
 * body and the signature (no nonce: a response is not replayed to the broker, and `created` bounds its age).
 */
export async function signResponse(
  response: ResponseToSign,
  request: AnsweredRequest,
  key: MessageSigningKey,
  now: Date = new Date(),
): Promise<SignatureHeaders & { 'content-digest': string }> {
  const contentDigest = createContentDigest(response.body);
  const headers: MessageHeaders = { ...normalizeHeaders(response.headers), 'content-digest': contentDigest };
  const requestHeaders = normalizeHeaders(request.headers);
  const present = (response.coveredHeaders ?? []).filter((name) => headers[name] !== undefined);
  const components = [...responseComponents(requestHeaders), ...present.map((name) => `"${name}"`)];
  const signature = await createSignature(
    key,
    { label: RESPONSE_SIGNATURE_LABEL, components, created: now },
    { status: response.status, headers },
    { method: request.method, url: request.url, headers: requestHeaders },
  );
  return { 'content-digest': contentDigest, ...signature };
}
