// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';
import type { RevocationReason } from './revocation-reasons';

// Node's webcrypto is the standard WebCrypto; only the DOM typings differ.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface RevokedSerial {
  serial: string;
  revokedAt: Date;
  reason: string | null;
}

/**
 * Builds and signs a CRL with @peculiar/x509 (node-forge cannot). Node's TLS layer wants the PEM label
 * `X509 CRL`, not the `CRL` that @peculiar/x509 writes by default.
 */
export async function createCrl(input: {
  caCertificatePem: string;
  caKeyPem: string;
  revoked: RevokedSerial[];
  thisUpdate: Date;
  nextUpdate: Date;
  /**
   * RFC 5280 §5.2.3: increases with every CRL the CA publishes, so a relying party sees which is newer.
   * The broker's CA always gives one; tests that play a foreign CA may leave it out.
   */
  crlNumber?: number;
}): Promise<string> {
  const caCertificate = new x509.X509Certificate(input.caCertificatePem);
  const pkcs8 = createPrivateKey(input.caKeyPem).export({ type: 'pkcs8', format: 'der' });
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate: input.thisUpdate,
    nextUpdate: input.nextUpdate,
    signingAlgorithm: algorithm,
    signingKey: signingKey as unknown as x509.X509CrlCreateParams['signingKey'],
    extensions:
      input.crlNumber === undefined
        ? []
        : [new x509.Extension(CRL_NUMBER_OID, false, derInteger(input.crlNumber))],
    entries: input.revoked.map((entry) => ({
      serialNumber: entry.serial.length % 2 === 0 ? entry.serial : `0${entry.serial}`,
      revocationDate: entry.revokedAt,
      reason: x509.X509CrlReason[(entry.reason ?? 'unspecified') as RevocationReason] ?? 0,
    })),
  });
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

const CRL_NUMBER_OID = '2.5.29.20';
const DER_INTEGER_TAG = 0x02;

/** A non-negative integer as DER (CRLNumber ::= INTEGER): big-endian, a zero byte first if the top bit is set. */
function derInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`CRL number ${value} is not a whole number`);
  const bytes: number[] = [];
  for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256))
    bytes.unshift(rest % 256);
  if (bytes[0] >= 0x80) bytes.unshift(0);
  return Uint8Array.from([DER_INTEGER_TAG, bytes.length, ...bytes]);
}

/** The CRL number of a CRL (PEM, either label), or null for a CRL without one (published before #10). */
export function crlNumberOf(crlPem: string): number | null {
  const crl = new x509.X509Crl(crlPem.replace(/X509 CRL/g, 'CRL'));
  const extension = crl.extensions.find((each) => each.type === CRL_NUMBER_OID);
  if (!extension) return null;
  const der = new Uint8Array(extension.value);
  if (der[0] !== DER_INTEGER_TAG || der[1] !== der.length - 2) return null;
  return der.subarray(2).reduce((number, byte) => number * 256 + byte, 0);
}

/** When a CRL (PEM) stops being valid; a broker must have a fresh one before then. */
export function crlNextUpdate(crlPem: string): Date | null {
  const crl = new x509.X509Crl(crlPem.replace(/X509 CRL/g, 'CRL'));
  return crl.nextUpdate ?? null;
}

/** A CRL's issuer (RFC 4514 string, as @peculiar/x509 writes it) and the serials it lists (lower-case hex). */
export interface CrlListing {
  issuer: string;
  serials: Set<string>;
}

/** Reads the entries of a CRL (PEM, either label); the signature was checked by the TLS layer's load. */
export function crlListing(crlPem: string): CrlListing {
  const crl = new x509.X509Crl(crlPem.replace(/X509 CRL/g, 'CRL'));
  return {
    issuer: crl.issuer,
    serials: new Set(crl.entries.map((entry) => entry.serialNumber.toLowerCase().replace(/^0+/, ''))),
  };
}

/** The RFC 4514 issuer of a certificate, in the same form as `CrlListing.issuer`. */
export function certificateIssuer(der: Buffer): string {
  return new x509.X509Certificate(der).issuer;
}
