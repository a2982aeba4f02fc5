import { base64, hex, pemBody, toArrayBuffer, utf8 } from './bytes.ts';

/**
 * RFC 9421 request signatures as the broker demands them (docs/api-guide.md §2), with WebCrypto only, so
 * k6 and the Node runner sign alike: `@method`, `@target-uri`, `content-digest` (RFC 9530, sha-256) and
 * `content-type` when there is a body, `created`, `keyid` (the certificate's SHA-256 fingerprint),
 * `alg` rsa-pss-sha512 (salt length 64, RFC 9421 §3.3.1) and a fresh `nonce`.
 */

export interface SigningIdentity {
  keyId: string;
  key: ScenarioCryptoKey;
}

const LABEL = 'sig';
const ALGORITHM = 'rsa-pss-sha512';
const PSS_SALT_BYTES = 64;
const NONCE_BYTES = 16;

/** DER length octets. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

function derSequence(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

/** rsaEncryption's AlgorithmIdentifier, DER. */
const RSA_ALGORITHM = [
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/** PKCS#8 for WebCrypto: a PKCS#8 PEM as it is, a PKCS#1 one (`RSA PRIVATE KEY`) wrapped. */
export function pkcs8Of(keyPem: string): Uint8Array {
  if (keyPem.includes('-----BEGIN PRIVATE KEY-----')) return pemBody(keyPem, 'PRIVATE KEY');
  const pkcs1 = pemBody(keyPem, 'RSA PRIVATE KEY');
  const octets = derSequence(0x04, pkcs1);
  const body = new Uint8Array(3 + RSA_ALGORITHM.length + octets.length);
  body.set([0x02, 0x01, 0x00], 0);
  body.set(RSA_ALGORITHM, 3);
  body.set(octets, 3 + RSA_ALGORITHM.length);
  return derSequence(0x30, body);
}

export async function signingIdentity(certificatePem: string, keyPem: string): Promise<SigningIdentity> {
  const der = pemBody(certificatePem, 'CERTIFICATE');
  const keyId = hex(await crypto.subtle.digest('SHA-256', toArrayBuffer(der)));
  const key = await crypto.subtle.importKey(
    'pkcs8',
    toArrayBuffer(pkcs8Of(keyPem)),
    { name: 'RSA-PSS', hash: 'SHA-512' },
    false,
    ['sign'],
  );
  return { keyId, key };
}

export async function contentDigest(body: ArrayBuffer): Promise<string> {
  return `sha-256=:${base64(await crypto.subtle.digest('SHA-256', body))}:`;
}

function nonce(): string {
  return base64(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export interface RequestToSign {
  method: string;
  /** The absolute URL exactly as it is sent (its Host is what the broker rebuilds the target from). */
  url: string;
  body?: ArrayBuffer;
  contentType?: string;
  /** Seconds since the epoch; default now. */
  created?: number;
  nonce?: string;
}

/** The headers to add: `signature-input`, `signature`, and with a body `content-digest`. */
export async function signRequest(
  identity: SigningIdentity,
  request: RequestToSign,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const lines = [`"@method": ${request.method.toUpperCase()}`, `"@target-uri": ${request.url}`];
  const components = ['"@method"', '"@target-uri"'];
  if (request.body !== undefined) {
    headers['content-digest'] = await contentDigest(request.body);
    lines.push(`"content-digest": ${headers['content-digest']}`);
    components.push('"content-digest"');
  }
  if (request.contentType !== undefined) {
    lines.push(`"content-type": ${request.contentType}`);
    components.push('"content-type"');
  }
  const created = request.created ?? Math.floor(Date.now() / 1000);
  const params =
    `(${components.join(' ')});keyid="${identity.keyId}";alg="${ALGORITHM}";created=${created}` +
    `;nonce="${request.nonce ?? nonce()}"`;
  lines.push(`"@signature-params": ${params}`);
  const signature = await crypto.subtle.sign(
    { name: 'RSA-PSS', saltLength: PSS_SALT_BYTES },
    identity.key,
    toArrayBuffer(utf8(lines.join('\n'))),
  );
  headers['signature-input'] = `${LABEL}=${params}`;
  headers.signature = `${LABEL}=:${base64(signature)}:`;
  return headers;
}
