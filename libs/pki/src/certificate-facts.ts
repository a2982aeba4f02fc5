import type { CertificateFacts } from '@app/registry';
import { normalizeSerial } from '@app/registry/certificate-serial';
import { X509Certificate } from 'node:crypto';

/** Fingerprints as the registry stores them: lower-case hex, no separators. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** Reads what the registry binds from a certificate (PEM or DER). */
export function certificateFacts(certificate: string | Buffer): CertificateFacts {
  const x509 = new X509Certificate(certificate);
  return {
    fingerprintSha256: normalizeFingerprint(x509.fingerprint256),
    serial: normalizeSerial(x509.serialNumber),
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}
