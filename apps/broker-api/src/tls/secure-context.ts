import { readFileSync } from 'node:fs';
import type { HttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import type { SecureContextOptions } from 'node:tls';
import { TlsFilesConfig } from './tls-files.config';

/** What goes into the TLS context: read fresh from disk each time, so a new CRL takes effect on reload. */
export function secureContextOptions(files: TlsFilesConfig): SecureContextOptions {
  return {
    cert: readFileSync(files.serverCertificateFile),
    key: readFileSync(files.serverKeyFile),
    ca: readFileSync(files.clientCaFile),
    crl: files.crlFile ? readFileSync(files.crlFile) : undefined,
    minVersion: 'TLSv1.2',
  };
}

/**
 * Ask every client for a certificate but let the handshake finish even when it fails verification, so
 * the request-level check can answer with a precise JSON error instead of a bare connection reset.
 */
export function mutualTlsServerOptions(files: TlsFilesConfig): HttpsOptions {
  const { cert, key, ca, crl, minVersion } = secureContextOptions(files);
  return { cert, key, ca, crl, minVersion, requestCert: true, rejectUnauthorized: false } as HttpsOptions;
}
