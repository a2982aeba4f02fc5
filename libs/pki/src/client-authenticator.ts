import { Inject, Injectable } from '@nestjs/common';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { CachedRegistryReads } from './cached-registry-reads';
import { presentedCertificate } from './presented-certificate';
import { CLIENT_TRUST_ANCHORS, TrustAnchors, leadsToTrustAnchor } from './trust-anchors';

/** Stable codes a vendor's developer can look up; each failure of mutual TLS has its own. */
export type ClientAuthenticationCode =
  | 'CLIENT_CERTIFICATE_MISSING'
  | 'CLIENT_CERTIFICATE_UNTRUSTED'
  | 'CLIENT_CERTIFICATE_EXPIRED'
  | 'CLIENT_CERTIFICATE_NOT_YET_VALID'
  | 'CLIENT_CERTIFICATE_REVOKED'
  | 'CLIENT_CERTIFICATE_NOT_REGISTERED'
  | 'REVOCATION_STATUS_UNAVAILABLE';

export class ClientAuthenticationError extends Error {
  constructor(
    readonly code: ClientAuthenticationCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientAuthenticationError';
  }
}

export interface BoundCertificate {
  fingerprintSha256: string;
  serial: string;
  notAfter: Date;
}

/** Who is on the other end of an authenticated connection. */
export type AuthenticatedClient =
  | { kind: 'vendor'; vendorId: string; vendorName: string; certificate: BoundCertificate }
  | { kind: 'auditor'; auditorName: string; certificate: BoundCertificate };

const EXPIRED = new Set(['CERT_HAS_EXPIRED']);
const NOT_YET_VALID = new Set(['CERT_NOT_YET_VALID']);
const REVOKED = new Set(['CERT_REVOKED']);
/** The broker's own CRL is missing, stale or broken: not the client's fault, but nobody gets in. */
const CRL_UNUSABLE = new Set([
  'UNABLE_TO_GET_CRL',
  'CRL_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_SIGNATURE_FAILURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
]);

/**
 * Turns a TLS connection into a registry identity, or into one precise refusal. The TLS layer asks for a
 * certificate but does not reject (a reset tells a vendor nothing); this decides instead, per request:
 * a kept-alive connection or a resumed TLS session carries the handshake's verdict, so the validity
 * dates, the registry's revocation and the current CRL are judged again for each request. What cannot
 * change (the certificate's facts) is read once per connection; the registry is read from memory kept
 * current by its change notices (`CachedRegistryReads`).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly registry: CachedRegistryReads,
    @Inject(CLIENT_TRUST_ANCHORS) private readonly trustAnchors: TrustAnchors,
  ) {}

  async authenticate(socket: TLSSocket, now: Date = new Date()): Promise<AuthenticatedClient> {
    const presented = presentedCertificate(socket);
    if (presented === null) {
      throw new ClientAuthenticationError(
        'CLIENT_CERTIFICATE_MISSING',
        'No client certificate was presented. Connect with the client certificate and key the broker ' +
          'issued to your organisation (for curl: --cert and --key).',
      );
    }
    const peer = presented.peer;
    if (!socket.authorized) this.refuseUnauthorized(String(socket.authorizationError), peer);
    if (now.getTime() > presented.validToMs) throw expiredError(peer);
    if (now.getTime() < presented.validFromMs) throw notYetValidError(peer);

    const fingerprint = presented.fingerprintSha256;
    const bound = await this.registry.findCertificate(fingerprint);
    if (!bound) {
      throw new ClientAuthenticationError(
        'CLIENT_CERTIFICATE_NOT_REGISTERED',
        `The client certificate (SHA-256 ${fingerprint}) is issued by a trusted CA but is not registered ` +
          'to any vendor or auditor. Ask the broker operator to bind it to your registration.',
      );
    }
    // The registry is authoritative even while a CRL has not been reloaded yet, and for trust stores
    // that publish no CRL to us at all.
    if (bound.revokedAt !== null && bound.revokedAt.getTime() <= now.getTime()) {
      throw revokedError(bound.serial);
    }
    // The handshake checked the CRL of its time; a CRL published since also ends kept-alive connections.
    if (this.trustAnchors.listsAsRevoked(presented)) throw revokedError(bound.serial);
    const certificate = { fingerprintSha256: fingerprint, serial: bound.serial, notAfter: bound.notAfter };
    if (bound.vendor) {
      return { kind: 'vendor', vendorId: bound.vendor.id, vendorName: bound.vendor.name, certificate };
    }
    if (bound.auditor) return { kind: 'auditor', auditorName: bound.auditor.name, certificate };
    // The database constraint makes this unreachable; refuse rather than guess an identity.
    throw new ClientAuthenticationError('CLIENT_CERTIFICATE_NOT_REGISTERED', 'The certificate has no owner.');
  }

  /**
   * Trust first: OpenSSL reports the last error it met, so a self-signed or foreign certificate can end
   * as "no CRL for its issuer". Only a certificate whose chain leads to one of our CAs can be expired,
   * revoked, or blocked by our CRL; anything else is untrusted, whatever OpenSSL said last.
   */
  private refuseUnauthorized(reason: string, peer: DetailedPeerCertificate): never {
    if (!leadsToTrustAnchor(peer, this.trustAnchors.current())) throw untrustedError(reason);
    if (EXPIRED.has(reason)) throw expiredError(peer);
    if (NOT_YET_VALID.has(reason)) throw notYetValidError(peer);
    if (REVOKED.has(reason)) throw revokedError(peer.serialNumber.toLowerCase());
    if (CRL_UNUSABLE.has(reason)) {
      throw new ClientAuthenticationError(
        'REVOCATION_STATUS_UNAVAILABLE',
        `The broker cannot check your certificate against a current revocation list (TLS: ${reason}). ` +
          'This is a problem on the broker side; contact the broker operator.',
      );
    }
    throw untrustedError(reason);
  }
}

function untrustedError(reason: string): ClientAuthenticationError {
  return new ClientAuthenticationError(
    'CLIENT_CERTIFICATE_UNTRUSTED',
    `The client certificate is not issued by a CA this broker trusts (TLS: ${reason}). ` +
      'Use the certificate the broker operator issued to your organisation.',
  );
}

function expiredError(peer: PeerCertificate): ClientAuthenticationError {
  return new ClientAuthenticationError(
    'CLIENT_CERTIFICATE_EXPIRED',
    `The client certificate expired on ${new Date(peer.valid_to).toISOString()}. ` +
      'Ask the broker operator for a new certificate.',
  );
}

function notYetValidError(peer: PeerCertificate): ClientAuthenticationError {
  return new ClientAuthenticationError(
    'CLIENT_CERTIFICATE_NOT_YET_VALID',
    `The client certificate is not valid before ${new Date(peer.valid_from).toISOString()}. ` +
      "Check your system clock, or wait until the certificate's start date.",
  );
}

function revokedError(serial: string): ClientAuthenticationError {
  return new ClientAuthenticationError(
    'CLIENT_CERTIFICATE_REVOKED',
    `The client certificate with serial ${serial} has been revoked. Ask the broker operator for a new one.`,
  );
}
