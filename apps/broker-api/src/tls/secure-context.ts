import { constants } from 'node:crypto';
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
    crl: files.crlFile ? splitPemBlocks(readFileSync(files.crlFile, 'utf8')) : undefined,
    minVersion: 'TLSv1.2',
    // A connection keeps the client certificate of its handshake: the authenticator reads it once per
    // connection (TLS 1.3 has no renegotiation; this refuses it on TLS 1.2 too, which also ends a DoS).
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}

/**
 * Node takes one CRL per array entry and ignores any after the first in a single string, while OpenSSL
 * then wants a CRL for every CA in the chain: a file with the CRLs of all CAs is split into its blocks.
 */
export function splitPemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
}

/**
 * Ask every client for a certificate but let the handshake finish even when it fails verification, so
 * the request-level check can answer with a precise JSON error instead of a bare connection reset.
 */
export function mutualTlsServerOptions(files: TlsFilesConfig): HttpsOptions {
  const { cert, key, ca, crl, minVersion, secureOptions } = secureContextOptions(files);
  return {
    cert,
    key,
    ca,
    crl,
    minVersion,
    secureOptions,
    requestCert: true,
    rejectUnauthorized: false,
  } as HttpsOptions;
}
