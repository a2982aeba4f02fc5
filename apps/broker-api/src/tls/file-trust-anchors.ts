import { CrlCandidate, CrlListing, TrustAnchors, crlListing } from '@app/pki';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { splitPemBlocks } from './secure-context';

/**
 * The trust store (TLS_CLIENT_CA_FILE) and CRL file (TLS_CRL_FILE) the TLS layer uses, read again when
 * they change, so the authenticator judges chains and revocations as the handshake does, reloads included.
 */
export class FileTrustAnchors implements TrustAnchors {
  private readonly anchors = new ChangingFile((text) =>
    splitPemBlocks(text)
      .filter((block) => block.includes('CERTIFICATE'))
      .map((block) => new X509Certificate(block)),
  );
  private readonly crls = new ChangingFile((text) => splitPemBlocks(text).map(crlListing));

  constructor(
    private readonly caFile: string,
    private readonly crlFile: string | null,
  ) {}

  current(): X509Certificate[] {
    return this.anchors.read(this.caFile);
  }

  listsAsRevoked(certificate: CrlCandidate): boolean {
    if (this.crlFile === null) return false;
    let listings: CrlListing[];
    try {
      listings = this.crls.read(this.crlFile);
    } catch {
      return false; // a broken CRL file: the TLS layer keeps the previous one and refuses new handshakes
    }
    return listings.some(
      (listing) => listing.serials.has(certificate.serialNumber) && listing.issuer === certificate.issuer,
    );
  }
}

/** A file parsed once per version (modification time and size). */
class ChangingFile<T> {
  private version = '';
  private value: T[] = [];

  constructor(private readonly parse: (text: string) => T[]) {}

  read(file: string): T[] {
    const stat = statSync(file);
    const version = `${stat.mtimeMs}:${stat.size}`;
    if (version !== this.version) {
      this.value = this.parse(readFileSync(file, 'utf8'));
      this.version = version;
    }
    return this.value;
  }
}
