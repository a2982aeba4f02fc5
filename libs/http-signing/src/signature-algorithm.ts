import { KeyObject, constants, sign, verify } from 'node:crypto';

/** The RFC 9421 algorithms the broker accepts: exactly one per kind of key. */
export type SignatureAlgorithm = 'rsa-pss-sha512' | 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'ed25519';

/**
 * The algorithm is derived from the key, never from the message's `alg` parameter: a verifier that
 * lets the message pick the algorithm invites downgrade tricks (RFC 9421 §7.3.6). RSA keys sign with
 * RSASSA-PSS only; the PKCS#1 v1.5 variant is registered but PSS is the one RFC 9421 recommends.
 */
export function algorithmForKey(key: KeyObject): SignatureAlgorithm | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa-pss-sha512';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ecdsa-p256-sha256';
      if (curve === 'secp384r1') return 'ecdsa-p384-sha384';
      return undefined;
    }
    case 'ed25519':
      return 'ed25519';
    default:
      return undefined;
  }
}

/** How a key is described in messages: the kind, never the key itself. */
export function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} (${curve})` : String(key.asymmetricKeyType);
}

/**
 * Our own sign/verify rather than http-message-signatures' createSigner/createVerifier: for
 * rsa-pss-sha512 RFC 9421 §3.3.1 fixes the salt length at 64 bytes, but the library leaves Node's
 * defaults (maximum salt length when signing, any length when verifying), so its signatures fail at
 * strict verifiers elsewhere and its verifier accepts more than the RFC allows.
 */
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 };

export function signWith(algorithm: SignatureAlgorithm, privateKey: KeyObject, data: Buffer): Buffer {
  switch (algorithm) {
    case 'rsa-pss-sha512':
      return sign('sha512', data, { key: privateKey, ...PSS });
    case 'ecdsa-p256-sha256':
      // RFC 9421 wants the raw r||s form, not DER.
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'ecdsa-p384-sha384':
      return sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'ed25519':
      return sign(null, data, privateKey);
  }
}

export function verifyWith(
  algorithm: SignatureAlgorithm,
  publicKey: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  try {
    switch (algorithm) {
      case 'rsa-pss-sha512':
        return verify('sha512', data, { key: publicKey, ...PSS }, signature);
      case 'ecdsa-p256-sha256':
        return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
      case 'ecdsa-p384-sha384':
        return verify('sha384', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
      case 'ed25519':
        return verify(null, data, publicKey, signature);
    }
  } catch {
    // OpenSSL throws on some malformed signatures (wrong length) instead of returning false.
    return false;
  }
}
