import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';

export const CLIENT_TRUST_ANCHORS = Symbol('CLIENT_TRUST_ANCHORS');

/** The CA certificates client certificates must chain to, and their CRLs: the trust store as it is now. */
export interface TrustAnchors {
  current(): X509Certificate[];
  /** Whether a current CRL of the certificate's issuer lists it (false when no CRL is configured). */
  listsAsRevoked(certificate: CrlCandidate): boolean;
}

/** A presented certificate as CRLs name it: serial (lower-case hex, no leading zeros) and RFC 4514 issuer. */
export interface CrlCandidate {
  readonly serialNumber: string;
  readonly issuer: string;
}

/** Deeper chains than this (leaf, intermediates, root) are not followed. */
const MAX_CHAIN_LENGTH = 5;

/**
 * Whether the presented certificate leads, signature by signature, to one of the trust anchors, through
 * the intermediates the client presented. Decided on the certificates themselves (issuer name and
 * signature), not on OpenSSL's last error code.
 */
export function leadsToTrustAnchor(peer: DetailedPeerCertificate, anchors: X509Certificate[]): boolean {
  const presented = presentedChain(peer);
  const leaf = presented[0];
  if (leaf === undefined) return false;
  const isAnchor = (certificate: X509Certificate) =>
    anchors.some((anchor) => anchor.fingerprint256 === certificate.fingerprint256);
  const issuedBy = (certificate: X509Certificate, issuer: X509Certificate) =>
    certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  const walk = (certificate: X509Certificate, length: number): boolean => {
    if (isAnchor(certificate) || anchors.some((anchor) => issuedBy(certificate, anchor))) return true;
    if (length >= MAX_CHAIN_LENGTH) return false;
    return presented.some(
      (issuer) =>
        issuer.fingerprint256 !== certificate.fingerprint256 &&
        issuedBy(certificate, issuer) &&
        walk(issuer, length + 1),
    );
  };
  return walk(leaf, 1);
}

/** The leaf and the certificates the TLS layer attached as its issuers, without repeats. */
function presentedChain(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && !seen.has(current.fingerprint256) && chain.length < MAX_CHAIN_LENGTH + 1) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}
