import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { DEFAULT_LEAF_KEY_TYPE, LeafKeyType } from './leaf-key-type';

export * from './leaf-key-type';

/** A key and certificate pair, both PEM. */
export interface KeyAndCertificate {
  keyPem: string;
  certificatePem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export type ClientRole = 'vendor' | 'auditor';

/** The common name of the broker's own client certificate (its webhook calls). */
export const BROKER_CLIENT_NAME = 'oso-broker';

const DAY_MS = 24 * 60 * 60 * 1000;

export function validityFromNow(days: number, now: Date = new Date()): Validity {
  // Back-date a little so a client whose clock is slightly behind still accepts a fresh certificate.
  return {
    notBefore: new Date(now.getTime() - 5 * 60 * 1000),
    notAfter: new Date(now.getTime() + days * DAY_MS),
  };
}

/**
 * Random positive serial of 16 bytes. The first byte is kept in 0x10..0x7f: positive in DER and without
 * a leading zero nibble, so every tool prints the same hex.
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0] % 0x70);
  return bytes.toString('hex');
}

function generateKeys(bits: number): forge.pki.rsa.KeyPair {
  // forge hands this to Node's native generateKeyPairSync when available, so it is fast.
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

/** A certificate for `publicKey` with a fresh serial and the given validity; subject, issuer and extensions follow. */
function unsignedCertificate(publicKey: forge.pki.PublicKey, validity: Validity): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = randomSerial();
  certificate.validity.notBefore = validity.notBefore;
  certificate.validity.notAfter = validity.notAfter;
  return certificate;
}

function sign(certificate: forge.pki.Certificate, key: forge.pki.PrivateKey): void {
  certificate.sign(key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

/**
 * A leaf key. forge encodes RSA keys only, so for any other kind it gets `forgePublicKey` null and the
 * certificate carries `subjectPublicKeyInfo` (DER, from Node) instead; see `signWithForeignKey`.
 */
interface LeafKey {
  keyPem: string;
  forgePublicKey: forge.pki.PublicKey | null;
  subjectPublicKeyInfo: Buffer;
  /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
  subjectKeyIdentifier: Buffer;
  /** RFC 5480 §3: an EC key may not have keyEncipherment (it cannot encrypt; TLS uses it with ECDHE). */
  keyUsage: { digitalSignature: true; keyEncipherment?: true };
}

function rsaLeafKey(): LeafKey {
  const keys = generateKeys(2048);
  const spki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(keys.publicKey)).getBytes();
  const rsaPublicKey = forge.asn1.toDer(forge.pki.publicKeyToRSAPublicKey(keys.publicKey)).getBytes();
  return {
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
    forgePublicKey: keys.publicKey,
    subjectPublicKeyInfo: Buffer.from(spki, 'binary'),
    subjectKeyIdentifier: createHash('sha1').update(Buffer.from(rsaPublicKey, 'binary')).digest(),
    keyUsage: { digitalSignature: true, keyEncipherment: true },
  };
}

function p256LeafKey(): LeafKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.of(0x04), // uncompressed, as Node writes it in the SubjectPublicKeyInfo
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    forgePublicKey: null,
    subjectPublicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }),
    subjectKeyIdentifier: createHash('sha1').update(point).digest(),
    keyUsage: { digitalSignature: true },
  };
}

function leafKey(keyType: LeafKeyType): LeafKey {
  return keyType === 'p256' ? p256LeafKey() : rsaLeafKey();
}

// Typed as any in @types/node-forge or not at all: the parts of forge the EC path needs.
const forgeInternals = forge.pki as unknown as {
  getTBSCertificate(certificate: forge.pki.Certificate): forge.asn1.Asn1;
};
const fromDerRaw = forge.asn1.fromDer as unknown as (
  bytes: string,
  options: { decodeBitStrings: boolean },
) => forge.asn1.Asn1;

/**
 * Signs a certificate whose key forge cannot encode: forge builds the TBSCertificate around a stand-in
 * public key (already set on `certificate`), the leaf's SubjectPublicKeyInfo takes the stand-in's place,
 * and the CA signs the result exactly as `certificate.sign` would (sha256WithRSAEncryption). Every other
 * field — serial, names, validity, extensions — is forge's, so both kinds of key get the same certificate.
 */
function signWithForeignKey(
  certificate: forge.pki.Certificate,
  subjectPublicKeyInfo: Buffer,
  caKey: forge.pki.PrivateKey,
): void {
  const algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  certificate.signatureOid = algorithmOid;
  certificate.siginfo.algorithmOid = algorithmOid;
  const tbs = forgeInternals.getTBSCertificate(certificate);
  const fields = tbs.value as forge.asn1.Asn1[];
  const standIn = forge.asn1.toDer(forge.pki.publicKeyToAsn1(certificate.publicKey)).getBytes();
  const index = fields.findIndex((field) => forge.asn1.toDer(field).getBytes() === standIn);
  if (index < 0) throw new Error('TBSCertificate without the stand-in public key');
  // Raw bit strings: the EC point must be copied as bytes, not read as nested ASN.1.
  fields[index] = fromDerRaw(subjectPublicKeyInfo.toString('binary'), { decodeBitStrings: false });
  certificate.tbsCertificate = tbs;
  const md = forge.md.sha256.create();
  md.update(forge.asn1.toDer(tbs).getBytes());
  certificate.signature = (caKey as forge.pki.rsa.PrivateKey).sign(md);
}

/**
 * The broker's own certificate authority, in memory. It signs the broker's server certificate and the
 * client certificates of vendors and auditors. Persisting it is the job of DevPkiStore.
 */
export class CertificateAuthority {
  private constructor(
    readonly certificate: forge.pki.Certificate,
    private readonly privateKey: forge.pki.PrivateKey,
    readonly pair: KeyAndCertificate,
  ) {}

  static create(commonName: string, validity: Validity = validityFromNow(3650)): CertificateAuthority {
    const keys = generateKeys(3072);
    const certificate = unsignedCertificate(keys.publicKey, validity);
    const subject = [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: 'OSO broker' },
      { name: 'countryName', value: 'NL' },
    ];
    certificate.setSubject(subject);
    certificate.setIssuer(subject);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    sign(certificate, keys.privateKey);
    const pair = {
      keyPem: forge.pki.privateKeyToPem(keys.privateKey),
      certificatePem: forge.pki.certificateToPem(certificate),
    };
    return new CertificateAuthority(certificate, keys.privateKey, pair);
  }

  static load(pair: KeyAndCertificate): CertificateAuthority {
    return new CertificateAuthority(
      forge.pki.certificateFromPem(pair.certificatePem),
      forge.pki.privateKeyFromPem(pair.keyPem),
      pair,
    );
  }

  /** The server certificate the broker presents; names are DNS names or IP addresses. */
  issueServerCertificate(
    names: string[],
    validity: Validity = validityFromNow(397),
    keyType: LeafKeyType = DEFAULT_LEAF_KEY_TYPE,
  ): KeyAndCertificate {
    const altNames = names.map((name) =>
      /^[0-9.]+$/.test(name) || name.includes(':') ? { type: 7, ip: name } : { type: 2, value: name },
    );
    return this.issue(
      [{ name: 'commonName', value: names[0] }],
      [
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
      validity,
      keyType,
    );
  }

  /**
   * The broker's own client certificate (clientAuth), presented when it calls a vendor's webhook; the
   * receiver checks it against this CA. Not bound in the registry: the broker does not call itself.
   */
  issueBrokerClientCertificate(
    validity: Validity = validityFromNow(397),
    keyType: LeafKeyType = DEFAULT_LEAF_KEY_TYPE,
  ): KeyAndCertificate {
    return this.issue(
      [
        { name: 'commonName', value: BROKER_CLIENT_NAME },
        { name: 'organizationName', value: 'OSO broker' },
        { name: 'organizationalUnitName', value: 'broker' },
      ],
      [{ name: 'extKeyUsage', clientAuth: true }],
      validity,
      keyType,
    );
  }

  /** A client certificate for mutual TLS; the CN carries the registry id, the OU the role. */
  issueClientCertificate(
    role: ClientRole,
    id: string,
    displayName: string,
    validity: Validity,
    keyType: LeafKeyType = DEFAULT_LEAF_KEY_TYPE,
  ): KeyAndCertificate {
    return this.issue(
      [
        { name: 'commonName', value: id },
        { name: 'organizationName', value: displayName },
        { name: 'organizationalUnitName', value: role },
      ],
      [{ name: 'extKeyUsage', clientAuth: true }],
      validity,
      keyType,
    );
  }

  private issue(
    subject: forge.pki.CertificateField[],
    extensions: object[],
    validity: Validity,
    keyType: LeafKeyType,
  ): KeyAndCertificate {
    const key = leafKey(keyType);
    // A key forge cannot encode is replaced after forge built the rest (signWithForeignKey); the CA's
    // public key stands in for it meanwhile.
    const certificate = unsignedCertificate(key.forgePublicKey ?? this.certificate.publicKey, validity);
    certificate.setSubject(subject);
    certificate.setIssuer(this.certificate.subject.attributes);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', ...key.keyUsage, critical: true },
      {
        name: 'subjectKeyIdentifier',
        value: forge.asn1.create(
          forge.asn1.Class.UNIVERSAL,
          forge.asn1.Type.OCTETSTRING,
          false,
          key.subjectKeyIdentifier.toString('binary'),
        ),
      },
      {
        name: 'authorityKeyIdentifier',
        keyIdentifier: this.certificate.generateSubjectKeyIdentifier().getBytes(),
      },
      ...extensions,
    ]);
    if (key.forgePublicKey) sign(certificate, this.privateKey);
    else signWithForeignKey(certificate, key.subjectPublicKeyInfo, this.privateKey);
    const pair = { keyPem: key.keyPem, certificatePem: forge.pki.certificateToPem(certificate) };
    assertKeyMatches(pair);
    return pair;
  }
}

/** Cheap insurance for the spliced EC path: the certificate must carry the key it is issued with. */
function assertKeyMatches(pair: KeyAndCertificate): void {
  if (!new X509Certificate(pair.certificatePem).checkPrivateKey(createPrivateKey(pair.keyPem))) {
    throw new Error('issued certificate does not carry its own key');
  }
}
