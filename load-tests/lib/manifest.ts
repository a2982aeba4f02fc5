/**
 * What a scenario needs to know about the broker and its data, from one JSON file (`BENCH_MANIFEST`):
 * `npm run bench` writes it for the broker it starts; for another broker write it yourself (README.md).
 * Read in k6's init context, so `options` (tlsAuth, hosts) can be built from it.
 */

export interface ManifestSchool {
  code: string;
  sector: 'PO' | 'VO';
}

export interface ManifestIdentity {
  id: string;
  /** The host name this identity connects by: k6 picks the client certificate by host (tlsAuth domains). */
  host: string;
  certFile: string;
  keyFile: string;
}

export interface ManifestVendor extends ManifestIdentity {
  schools: ManifestSchool[];
}

export interface ManifestTemplate {
  /** `povo-170k`, `vovo-small`, … */
  name: string;
  profile: 'POVO' | 'VOVO';
  file: string;
  bytes: number;
  geboortedatum: string;
  /** The inzage date the dossier's own inzage block names (evidence must be about the same inzage). */
  inzageDate: string;
  /** Byte offsets of the pupil's BSN (9 digits) and of each BRIN (4 characters) to overwrite. */
  bsnOffsets: number[];
  brinOffsets: number[];
}

export interface BenchManifest {
  /** The broker's port on this machine; every identity's host resolves to `address`. */
  port: number;
  address: string;
  vendors: ManifestVendor[];
  auditor: ManifestIdentity;
  templates: ManifestTemplate[];
}

export function readManifest(): BenchManifest {
  const path = __ENV.BENCH_MANIFEST;
  if (!path) throw new Error('set BENCH_MANIFEST to the manifest JSON (see load-tests/README.md)');
  return JSON.parse(open(path)) as BenchManifest;
}
