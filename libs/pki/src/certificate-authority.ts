import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

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

/** A certificate for `keys` with a fresh serial and the given validity; subject, issuer and extensions follow. */
function unsignedCertificate(keys: forge.pki.rsa.KeyPair, validity: Validity): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = randomSerial();
  certificate.validity.notBefore = validity.notBefore;
  certificate.validity.notAfter = validity.notAfter;
  return certificate;
}

function sign(certificate: forge.pki.Certificate, key: forge.pki.PrivateKey): void {
  certificate.sign(key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

function toPair(keys: forge.pki.rsa.KeyPair, certificate: forge.pki.Certificate): KeyAndCertificate {
  return {
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
    certificatePem: forge.pki.certificateToPem(certificate),
  };
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
    const certificate = unsignedCertificate(keys, validity);
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
    return new CertificateAuthority(certificate, keys.privateKey, toPair(keys, certificate));
  }

  static load(pair: KeyAndCertificate): CertificateAuthority {
    return new CertificateAuthority(
      forge.pki.certificateFromPem(pair.certificatePem),
      forge.pki.privateKeyFromPem(pair.keyPem),
      pair,
    );
  }

  /** The server certificate the broker presents; names are DNS names or IP addresses. */
  issueServerCertificate(names: string[], validity: Validity = validityFromNow(397)): KeyAndCertificate {
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
    );
  }

  /**
   * The broker's own client certificate (clientAuth), presented when it calls a vendor's webhook; the
   * receiver checks it against this CA. Not bound in the registry: the broker does not call itself.
   */
  issueBrokerClientCertificate(validity: Validity = validityFromNow(397)): KeyAndCertificate {
    return this.issue(
      [
        { name: 'commonName', value: BROKER_CLIENT_NAME },
        { name: 'organizationName', value: 'OSO broker' },
        { name: 'organizationalUnitName', value: 'broker' },
      ],
      [{ name: 'extKeyUsage', clientAuth: true }],
      validity,
    );
  }

  /** A client certificate for mutual TLS; the CN carries the registry id, the OU the role. */
  issueClientCertificate(
    role: ClientRole,
    id: string,
    displayName: string,
    validity: Validity,
  ): KeyAndCertificate {
    return this.issue(
      [
        { name: 'commonName', value: id },
        { name: 'organizationName', value: displayName },
        { name: 'organizationalUnitName', value: role },
      ],
      [{ name: 'extKeyUsage', clientAuth: true }],
      validity,
    );
  }

  private issue(
    subject: forge.pki.CertificateField[],
    extensions: object[],
    validity: Validity,
  ): KeyAndCertificate {
    const keys = generateKeys(2048);
    const certificate = unsignedCertificate(keys, validity);
    certificate.setSubject(subject);
    certificate.setIssuer(this.certificate.subject.attributes);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'subjectKeyIdentifier' },
      {
        name: 'authorityKeyIdentifier',
        keyIdentifier: this.certificate.generateSubjectKeyIdentifier().getBytes(),
      },
      ...extensions,
    ]);
    sign(certificate, this.privateKey);
    return toPair(keys, certificate);
  }
}
