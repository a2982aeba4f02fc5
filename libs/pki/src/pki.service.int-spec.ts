import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { TestPki } from '../../../test/support/test-pki';
import { createCrl, crlNextUpdate, crlNumberOf } from './crl';

/** The certificate as openssl prints it: checked by a parser that is not ours. */
function certificateText(file: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-text', '-in', file]).toString();
}

describe('PkiService with a real CA and registry', () => {
  let pki: TestPki;

  beforeAll(async () => {
    pki = await TestPki.create(await createSuiteDatabase('pki'));
    await pki.registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    await pki.registry.addAuditor({ name: 'inspectie', supervisory: true });
  });
  afterAll(() => pki?.close());

  it('creates a CA and a server certificate for localhost and 127.0.0.1, and keeps an existing CA', async () => {
    const store = pki.pki.store;
    const ca = new X509Certificate(readFileSync(store.caCertificateFile));
    const server = new X509Certificate(readFileSync(store.serverCertificateFile));
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    // The broker's own leaf keys follow the default (P-256); the CA keeps its RSA key (it signs rarely).
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const brokerClient = new X509Certificate(readFileSync(store.brokerClientFiles.certificateFile));
    expect(brokerClient.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    expect(statSync(store.caKeyFile).mode & 0o077).toBe(0);
    expect(await pki.pki.init()).toEqual({ created: false });
    expect(new X509Certificate(readFileSync(store.caCertificateFile)).fingerprint256).toBe(ca.fingerprint256);
  });

  it('issues a client certificate signed by the CA and bound to the vendor', async () => {
    const issued = await pki.pki.issue({ kind: 'vendor', vendorId: 'acme-las' });
    const certificate = new X509Certificate(readFileSync(issued.certificateFile));
    const ca = new X509Certificate(pki.caCertificate);
    expect(certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.subject).toContain('CN=acme-las');
    expect(certificate.subject).toContain('OU=vendor');
    expect(certificate.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(statSync(issued.keyFile).mode & 0o077).toBe(0);
    expect(issued.keyType).toBe('p256'); // the default (PKI_CLIENT_KEY_TYPE unset)
    const bound = await pki.registry.findCertificate(issued.fingerprintSha256);
    expect(bound?.vendorId).toBe('acme-las');
    expect(bound?.serial).toBe(issued.serial);
  });

  it('issues an auditor a P-256 certificate by default, bound and signed by the (RSA) CA', async () => {
    const issued = await pki.pki.issue({ kind: 'auditor', auditorName: 'inspectie' });
    expect(issued.keyType).toBe('p256');
    const certificate = new X509Certificate(readFileSync(issued.certificateFile));
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(certificate.verify(new X509Certificate(pki.caCertificate).publicKey)).toBe(true);
    expect(certificate.subject).toContain('OU=auditor');
    expect(certificate.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(statSync(issued.keyFile).mode & 0o077).toBe(0);
    // Checked by a parser that is not ours: a valid chain, and keyUsage without keyEncipherment (RFC 5480).
    const text = certificateText(issued.certificateFile);
    expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature\s*\n/);
    execFileSync('openssl', ['verify', '-CAfile', pki.pki.store.caCertificateFile, issued.certificateFile]);
    const bound = await pki.registry.findCertificate(issued.fingerprintSha256);
    expect(bound?.auditorId).toEqual(expect.any(String));
    expect(bound?.vendorId).toBeNull();
    expect(bound?.serial).toBe(issued.serial);
  });

  it('issues an RSA-2048 certificate on request (--key-type rsa-2048), with keyEncipherment', async () => {
    const issued = await pki.pki.issue({ kind: 'vendor', vendorId: 'acme-las' }, undefined, {
      keyType: 'rsa-2048',
    });
    expect(issued.keyType).toBe('rsa-2048');
    const certificate = new X509Certificate(readFileSync(issued.certificateFile));
    expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(certificate.verify(new X509Certificate(pki.caCertificate).publicKey)).toBe(true);
    const text = certificateText(issued.certificateFile);
    expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment\s*\n/);
    execFileSync('openssl', ['verify', '-CAfile', pki.pki.store.caCertificateFile, issued.certificateFile]);
    const bound = await pki.registry.findCertificate(issued.fingerprintSha256);
    expect(bound).toMatchObject({ vendorId: 'acme-las', serial: issued.serial });
  });

  it('refuses to issue for an unregistered vendor and writes nothing', async () => {
    await expect(pki.pki.issue({ kind: 'vendor', vendorId: 'ghost' })).rejects.toMatchObject({
      code: 'UNKNOWN_VENDOR',
    });
    expect(existsSync(pki.pki.store.clientFiles('vendor', 'ghost').certificateFile)).toBe(false);
  });

  it('revokes a certificate and publishes a CRL, signed by the CA, that lists it', async () => {
    const issued = await pki.pki.issue({ kind: 'auditor', auditorName: 'inspectie' });
    await pki.pki.revoke(issued.serial, 'keyCompromise');
    const pem = readFileSync(pki.pki.store.crlFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----/);
    const crl = new x509.X509Crl(pem.replace(/X509 CRL/g, 'CRL'));
    const ca = new x509.X509Certificate(pki.caCertificate);
    expect(await crl.verify({ publicKey: ca.publicKey })).toBe(true);
    const entry = crl.entries.find(
      (candidate) => candidate.serialNumber.toLowerCase().replace(/^0+/, '') === issued.serial,
    );
    expect(entry?.reason).toBe(x509.X509CrlReason.keyCompromise);
    await expect(pki.pki.revoke(issued.serial)).rejects.toMatchObject({
      code: 'CERTIFICATE_ALREADY_REVOKED',
    });
  });

  it('re-publishes the CRL only once it is past half its validity', async () => {
    const now = new Date();
    await pki.pki.publishCrl(now);
    expect(await pki.pki.refreshCrlIfStale(new Date(now.getTime() + 10 * 86_400_000))).toBe(false);
    const later = new Date(now.getTime() + 16 * 86_400_000);
    expect(await pki.pki.refreshCrlIfStale(later)).toBe(true);
    const nextUpdate = crlNextUpdate(readFileSync(pki.pki.store.crlFile, 'utf8'));
    expect(nextUpdate!.getTime()).toBeGreaterThan(later.getTime() + 29 * 86_400_000);
  });

  it('numbers every CRL one past the last, as RFC 5280 asks, readable by OpenSSL', async () => {
    const numberNow = () => crlNumberOf(readFileSync(pki.pki.store.crlFile, 'utf8'));
    const before = numberNow();
    expect(before).toBeGreaterThanOrEqual(1);
    await pki.pki.publishCrl();
    await pki.pki.publishCrl();
    expect(numberNow()).toBe(before! + 2);
    // The encoding, checked by a parser that is not ours, around the sign bit of a DER INTEGER.
    const ca = pki.pki.store.readCa();
    for (const crlNumber of [127, 128, 255, 256, 99_999_999]) {
      const pem = await createCrl({
        caCertificatePem: ca.certificatePem,
        caKeyPem: ca.keyPem,
        revoked: [],
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 86_400_000),
        crlNumber,
      });
      expect(crlNumberOf(pem)).toBe(crlNumber);
      const text = execFileSync('openssl', ['crl', '-noout', '-text'], { input: pem }).toString();
      expect(text).toMatch(new RegExp(`X509v3 CRL Number:\\s*\\n\\s*${crlNumber}\\s*\\n`));
    }
  });
});
