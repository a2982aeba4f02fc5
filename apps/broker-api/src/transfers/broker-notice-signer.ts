import { messageSigningKey, signWith } from '@app/http-signing';
import type { NoticeSigner } from '@app/transfers';
import { readFileSync } from 'node:fs';
import type { TlsFilesConfig } from '../tls/tls-files.config';

/**
 * The broker signs its notices (recalls, #11) with the key of its server certificate, the same key it
 * signs every answer with: a receiver verifies them with the broker certificate it already trusts, and
 * `keyId` is that certificate's SHA-256 fingerprint, as `keyid` in the answers' signatures.
 */
export function brokerNoticeSigner(tls: TlsFilesConfig): NoticeSigner {
  const key = messageSigningKey(readFileSync(tls.serverKeyFile), readFileSync(tls.serverCertificateFile));
  return {
    keyId: key.keyId,
    algorithm: key.algorithm,
    sign: (data) => signWith(key.algorithm, key.privateKey, data),
  };
}
