import http from 'k6/http';
import type { Options } from 'k6/options';
import { toArrayBuffer, utf8 } from './bytes.ts';
import type { BenchManifest, ManifestIdentity, ManifestVendor } from './manifest.ts';
import { readManifest } from './manifest.ts';
import { type SigningIdentity, signRequest, signingIdentity } from './signing.ts';

export const manifest: BenchManifest = readManifest();

/** An identity's certificate and key, read in the init context (k6 allows `open` only there). */
interface Credentials {
  identity: ManifestIdentity;
  certificatePem: string;
  keyPem: string;
}

const credentials = new Map<string, Credentials>();
for (const identity of [...manifest.vendors, manifest.auditor]) {
  credentials.set(identity.id, {
    identity,
    certificatePem: open(identity.certFile),
    keyPem: open(identity.keyFile),
  });
}

/**
 * mTLS for every identity (k6 chooses the client certificate by host name, so each identity has its own
 * host, all resolving to the broker), plus how many VUs for how long: `VUS`, `DURATION` (e.g. `20s`) and
 * `ITERATIONS` from the environment override a scenario's defaults.
 */
export function brokerOptions(defaults: { vus: number; duration?: string; iterations?: number }): Options {
  const hosts: Record<string, string> = {};
  const tlsAuth = [...credentials.values()].map(({ identity, certificatePem, keyPem }) => {
    hosts[identity.host] = manifest.address;
    return { domains: [identity.host], cert: certificatePem, key: keyPem };
  });
  const vus = Number(__ENV.VUS || defaults.vus);
  const iterations = __ENV.ITERATIONS ? Number(__ENV.ITERATIONS) : defaults.iterations;
  const duration = __ENV.DURATION || defaults.duration || '20s';
  return {
    tlsAuth,
    hosts,
    // Read the answers' bodies only where a scenario asks (responseType per request).
    discardResponseBodies: false,
    ...(iterations !== undefined
      ? { scenarios: { main: { executor: 'shared-iterations', vus, iterations, maxDuration: duration } } }
      : { vus, duration }),
  };
}

const signers = new Map<string, Promise<SigningIdentity>>();

function signerFor(id: string): Promise<SigningIdentity> {
  let signer = signers.get(id);
  if (!signer) {
    const found = credentials.get(id);
    if (!found) throw new Error(`no identity "${id}" in the manifest`);
    signer = signingIdentity(found.certificatePem, found.keyPem);
    signers.set(id, signer);
  }
  return signer;
}

export function urlFor(identity: ManifestIdentity, path: string): string {
  return `https://${identity.host}:${manifest.port}${path}`;
}

export interface CallOptions {
  body?: ArrayBuffer | Uint8Array;
  json?: unknown;
  contentType?: string;
  /** Groups requests in the results (e.g. `PUT /v1/transfers/{id}/dossier`), default method + path. */
  name?: string;
  /** `none`: the body is not kept (a dossier fetch). */
  responseType?: 'text' | 'none';
}

/** One signed request as `identity`, over its mutual-TLS connection. */
export async function call(
  identity: ManifestIdentity,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<http.RefinedResponse<'text' | 'none'>> {
  let body: ArrayBuffer | undefined;
  let contentType = options.contentType;
  if (options.json !== undefined) {
    body = toArrayBuffer(utf8(JSON.stringify(options.json)));
    contentType = contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = options.body instanceof Uint8Array ? toArrayBuffer(options.body) : options.body;
  }
  const url = urlFor(identity, path);
  const headers = await signRequest(await signerFor(identity.id), { method, url, body, contentType });
  if (contentType !== undefined) headers['content-type'] = contentType;
  return http.asyncRequest(method, url, body ?? null, {
    headers,
    responseType: options.responseType ?? 'text',
    tags: { name: options.name ?? `${method} ${path.replace(/\?.*$/, '')}` },
  });
}

/** The JSON of an answer (an empty object when it has none or it is not JSON). */
export function jsonOf(response: http.RefinedResponse<'text' | 'none'>): Record<string, unknown> {
  try {
    return (response.json() ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** This VU's vendor, and another vendor (the other side of an exchange). */
export function vendorsOfVu(): { own: ManifestVendor; other: ManifestVendor } {
  const count = manifest.vendors.length;
  const own = manifest.vendors[(__VU - 1 + count) % count];
  const other = manifest.vendors[__VU % count];
  return { own, other };
}

export function schoolOf(vendor: ManifestVendor, sector: 'PO' | 'VO', index = 0): string {
  const schools = vendor.schools.filter((school) => school.sector === sector);
  if (schools.length === 0) throw new Error(`vendor ${vendor.id} has no ${sector} school`);
  return schools[index % schools.length].code;
}
