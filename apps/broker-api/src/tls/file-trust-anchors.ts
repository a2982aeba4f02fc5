import type { TrustAnchors } from '@app/pki';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { splitPemBlocks } from './secure-context';

/**
 * The trust store file the TLS layer uses (TLS_CLIENT_CA_FILE), read again when it changes, so the
 * authenticator judges chains against the same CAs as the handshake, reloads included.
 */
export class FileTrustAnchors implements TrustAnchors {
  private version = '';
  private anchors: X509Certificate[] = [];

  constructor(private readonly file: string) {}

  current(): X509Certificate[] {
    const stat = statSync(this.file);
    const version = `${stat.mtimeMs}:${stat.size}`;
    if (version !== this.version) {
      this.anchors = splitPemBlocks(readFileSync(this.file, 'utf8'))
        .filter((block) => block.includes('CERTIFICATE'))
        .map((block) => new X509Certificate(block));
      this.version = version;
    }
    return this.anchors;
  }
}
