import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { SignatureAlgorithm, algorithmForKey, describeKey } from './signature-algorithm';

/**
 * The key a signature must verify with: the public key of a certificate, and that certificate's SHA-256
 * fingerprint, which is the only `keyid` accepted for it.
 */
export interface CertificateKey {
  publicKey: KeyObject;
  /** Lower-case hex without separators, the form the registry stores. */
  fingerprintSha256: string;
}

/** A private key that signs, with the `keyid` (its certificate's fingerprint) and algorithm it signs with. */
export interface MessageSigningKey {
  privateKey: KeyObject;
  keyId: string;
  algorithm: SignatureAlgorithm;
}

/**
 * The registry's fingerprint form. Same rule as `normalizeFingerprint` in `@app/pki`, repeated here so the
 * client library does not pull in Nest, TypeORM and the registry.
 */
export function normalizeKeyId(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** From a certificate as PEM, DER (e.g. `socket.getPeerCertificate().raw`) or an X509Certificate. */
export function certificateKey(certificate: string | Buffer | X509Certificate): CertificateKey {
  const x509 = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  return { publicKey: x509.publicKey, fingerprintSha256: normalizeKeyId(x509.fingerprint256) };
}

/** The signing key of a client (or of the broker) from its key and certificate PEM files. */
export function messageSigningKey(
  keyPem: string | Buffer,
  certificatePem: string | Buffer,
): MessageSigningKey {
  const privateKey = createPrivateKey(keyPem);
  const certificate = new X509Certificate(certificatePem);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error('The private key does not belong to the certificate; pass the key issued with it.');
  }
  const algorithm = algorithmForKey(privateKey);
  if (!algorithm) {
    throw new Error(
      `Keys of type ${describeKey(privateKey)} cannot sign HTTP messages here; use RSA, P-256, P-384 or Ed25519.`,
    );
  }
  return { privateKey, keyId: normalizeKeyId(certificate.fingerprint256), algorithm };
}
