import { base64, hex, pemBody, toArrayBuffer, utf8 } from './bytes.ts';

/**
 * RFC 9421 request signatures as the broker demands them (docs/api-guide.md §2), with WebCrypto only, so
 * k6 and the Node runner sign alike: `@method`, `@target-uri`, `content-digest` (RFC 9530, sha-256) and
 * `content-type` when there is a body, `created`, `keyid` (the certificate's SHA-256 fingerprint), a fresh
 * `nonce` and the `alg` of the key, as the broker derives it from the certificate: `ecdsa-p256-sha256` for
 * a P-256 key (the PKI's default; WebCrypto's ECDSA signature is the raw r||s RFC 9421 wants) and
 * `rsa-pss-sha512` (salt length 64, RFC 9421 §3.3.1) for an RSA key.
 */

/** How one kind of key signs: the RFC 9421 name and WebCrypto's parameters for importing and signing. */
interface SignatureScheme {
  alg: 'ecdsa-p256-sha256' | 'rsa-pss-sha512';
  importAs: ScenarioImportAlgorithm;
  signAs: ScenarioSignAlgorithm;
}

export interface SigningIdentity {
  keyId: string;
  key: ScenarioCryptoKey;
  scheme: SignatureScheme;
}

const LABEL = 'sig';
const PSS_SALT_BYTES = 64;
const NONCE_BYTES = 16;

const SCHEMES = {
  p256: {
    alg: 'ecdsa-p256-sha256',
    importAs: { name: 'ECDSA', namedCurve: 'P-256' },
    signAs: { name: 'ECDSA', hash: 'SHA-256' },
  },
  rsa: {
    alg: 'rsa-pss-sha512',
    importAs: { name: 'RSA-PSS', hash: 'SHA-512' },
    signAs: { name: 'RSA-PSS', saltLength: PSS_SALT_BYTES },
  },
} satisfies Record<string, SignatureScheme>;

export type SigningKeyKind = keyof typeof SCHEMES;

/** DER length octets. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

function derElement(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

interface DerElement {
  tag: number;
  content: Uint8Array;
  /** Where the next element starts. */
  end: number;
}

/** The DER element at `at` (definite lengths only, as DER has). */
function readDer(bytes: Uint8Array, at: number): DerElement {
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i];
    start += octets;
  }
  if (start + length > bytes.length) throw new Error('truncated DER in the private key');
  return { tag, content: bytes.subarray(start, start + length), end: start + length };
}

/** The elements of a SEQUENCE's content. */
function derChildren(content: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  for (let at = 0; at < content.length;) {
    const child = readDer(content, at);
    children.push(child);
    at = child.end;
  }
  return children;
}

const DER_SEQUENCE = 0x30;
const DER_OCTET_STRING = 0x04;
const DER_OID = 0x06;
/** PKCS#8 version 0. */
const DER_VERSION_0 = [0x02, 0x01, 0x00];
/** The OIDs as DER (tag, length, value): rsaEncryption, id-ecPublicKey and prime256v1 (P-256). */
const OID_RSA_ENCRYPTION = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const DER_NULL = [0x05, 0x00];

function sameBytes(a: Uint8Array, b: number[]): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The DER of an OID element (tag and length included), for comparing with the constants above. */
function oidBytes(element: DerElement | undefined): Uint8Array {
  if (!element || element.tag !== DER_OID) return new Uint8Array(0);
  return concat([DER_OID, ...derLength(element.content.length)], element.content);
}

/** PKCS#8 around a key of another encoding, with the AlgorithmIdentifier of its kind. */
function pkcs8Around(algorithmIdentifier: number[], key: Uint8Array): Uint8Array {
  return derElement(
    DER_SEQUENCE,
    concat(
      DER_VERSION_0,
      derElement(DER_SEQUENCE, new Uint8Array(algorithmIdentifier)),
      derElement(DER_OCTET_STRING, key),
    ),
  );
}

/** The kind of key a PKCS#8 PrivateKeyInfo holds, from its AlgorithmIdentifier; only what the broker takes. */
function kindOfPkcs8(pkcs8: Uint8Array): SigningKeyKind {
  const [, algorithm] = derChildren(readDer(pkcs8, 0).content);
  const [oid, parameters] = algorithm ? derChildren(algorithm.content) : [];
  const algorithmOid = oidBytes(oid);
  if (sameBytes(algorithmOid, OID_RSA_ENCRYPTION)) return 'rsa';
  if (sameBytes(algorithmOid, OID_EC_PUBLIC_KEY) && sameBytes(oidBytes(parameters), OID_P256)) return 'p256';
  throw new Error('the private key is neither RSA nor EC P-256');
}

/** A SEC1 ECPrivateKey's curve must be P-256 when it names one ([0] parameters, RFC 5915). */
function assertSec1P256(sec1: Uint8Array): void {
  const parameters = derChildren(readDer(sec1, 0).content).find((child) => child.tag === 0xa0);
  if (parameters && !sameBytes(oidBytes(readDer(parameters.content, 0)), OID_P256)) {
    throw new Error('the EC private key is not on P-256');
  }
}

/**
 * PKCS#8 for WebCrypto and the kind of key in it: a PKCS#8 PEM (`PRIVATE KEY`, as the PKI writes P-256
 * keys) as it is, a PKCS#1 RSA one (`RSA PRIVATE KEY`, as it writes RSA keys) or a SEC1 EC one
 * (`EC PRIVATE KEY`, as openssl ecparam writes them) wrapped.
 */
export function pkcs8Of(keyPem: string): { pkcs8: Uint8Array; kind: SigningKeyKind } {
  if (keyPem.includes('-----BEGIN PRIVATE KEY-----')) {
    const pkcs8 = pemBody(keyPem, 'PRIVATE KEY');
    return { pkcs8, kind: kindOfPkcs8(pkcs8) };
  }
  if (keyPem.includes('-----BEGIN EC PRIVATE KEY-----')) {
    const sec1 = pemBody(keyPem, 'EC PRIVATE KEY');
    assertSec1P256(sec1);
    return { pkcs8: pkcs8Around([...OID_EC_PUBLIC_KEY, ...OID_P256], sec1), kind: 'p256' };
  }
  const pkcs1 = pemBody(keyPem, 'RSA PRIVATE KEY');
  return { pkcs8: pkcs8Around([...OID_RSA_ENCRYPTION, ...DER_NULL], pkcs1), kind: 'rsa' };
}

export async function signingIdentity(certificatePem: string, keyPem: string): Promise<SigningIdentity> {
  const der = pemBody(certificatePem, 'CERTIFICATE');
  const keyId = hex(await crypto.subtle.digest('SHA-256', toArrayBuffer(der)));
  const { pkcs8, kind } = pkcs8Of(keyPem);
  const scheme: SignatureScheme = SCHEMES[kind];
  const key = await crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), scheme.importAs, false, ['sign']);
  return { keyId, key, scheme };
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
    `(${components.join(' ')});keyid="${identity.keyId}";alg="${identity.scheme.alg}";created=${created}` +
    `;nonce="${request.nonce ?? nonce()}"`;
  lines.push(`"@signature-params": ${params}`);
  const signature = await crypto.subtle.sign(
    identity.scheme.signAs,
    identity.key,
    toArrayBuffer(utf8(lines.join('\n'))),
  );
  headers['signature-input'] = `${LABEL}=${params}`;
  headers.signature = `${LABEL}=:${base64(signature)}:`;
  return headers;
}
