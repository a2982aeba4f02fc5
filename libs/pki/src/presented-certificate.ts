import { KeyObject, X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { normalizeFingerprint } from './certificate-facts';
import { certificateIssuer } from './crl';

/**
 * What a connection's client certificate says, read once per TLS connection: the certificate cannot change
 * while the connection lives (the server refuses renegotiation, see `secure-context.ts`), so parsing it
 * again for each request of a kept-alive connection is waste. Only immutable facts live here; whether the
 * certificate is still valid, bound and unrevoked is judged again on every request.
 */
export class PresentedCertificate {
  readonly fingerprintSha256: string;
  readonly validFromMs: number;
  readonly validToMs: number;
  private issuerName: string | undefined;
  private key: KeyObject | undefined;

  constructor(readonly peer: DetailedPeerCertificate) {
    this.fingerprintSha256 = normalizeFingerprint(peer.fingerprint256);
    this.validFromMs = new Date(peer.valid_from).getTime();
    this.validToMs = new Date(peer.valid_to).getTime();
  }

  /** Serial as CRLs list it: lower-case hex without leading zeros. */
  get serialNumber(): string {
    return this.peer.serialNumber.toLowerCase().replace(/^0+/, '');
  }

  /** The RFC 4514 issuer, as `CrlListing.issuer` (parsed on first use: only CRL checks need it). */
  get issuer(): string {
    this.issuerName ??= certificateIssuer(this.peer.raw);
    return this.issuerName;
  }

  /** The certificate's public key: what the connection's request signatures must verify with. */
  get publicKey(): KeyObject {
    this.key ??= new X509Certificate(this.peer.raw).publicKey;
    return this.key;
  }
}

const presented = new WeakMap<TLSSocket, PresentedCertificate | null>();

/** The connection's client certificate (read once per connection), or null when it presented none. */
export function presentedCertificate(socket: TLSSocket): PresentedCertificate | null {
  let certificate = presented.get(socket);
  if (certificate === undefined) {
    const peer = socket.getPeerCertificate(true);
    certificate = peer && peer.fingerprint256 ? new PresentedCertificate(peer) : null;
    presented.set(socket, certificate);
  }
  return certificate;
}
