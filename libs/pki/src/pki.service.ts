import { CertificateOwner, RegistryService } from '@app/registry';
import { Inject, Injectable } from '@nestjs/common';
import { CertificateAuthority, validityFromNow } from './certificate-authority';
import { certificateFacts } from './certificate-facts';
import { createCrl, crlNextUpdate, crlNumberOf } from './crl';
import { RevocationReason } from './revocation-reasons';
import { DevPkiStore, IssuedFiles } from './dev-pki-store';
import { PkiConfig } from './pki.config';

export const PKI_CONFIG = Symbol('PKI_CONFIG');

export interface IssuedCertificate extends IssuedFiles {
  serial: string;
  fingerprintSha256: string;
  notAfter: Date;
}

/** The names the development server certificate is valid for. */
export const DEV_SERVER_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * Runs the broker's development PKI: the CA on disk (DevPkiStore) plus the registry that binds every
 * issued certificate to a vendor or auditor and remembers revocations (the CRL is derived from it).
 */
@Injectable()
export class PkiService {
  readonly store: DevPkiStore;

  constructor(
    @Inject(PKI_CONFIG) private readonly config: PkiConfig,
    private readonly registry: RegistryService,
  ) {
    this.store = new DevPkiStore(config.dir);
  }

  /** Creates the CA, the server certificate and an initial CRL. Refuses to replace an existing CA. */
  async init(options: { force?: boolean } = {}): Promise<{ created: boolean }> {
    if (this.store.hasCa() && !options.force) {
      this.ensureBrokerClientCertificate();
      return { created: false };
    }
    const ca = CertificateAuthority.create('OSO broker development CA');
    this.store.writeCa(ca.pair);
    this.store.writeServer(ca.issueServerCertificate(DEV_SERVER_NAMES));
    this.store.writeBrokerClient(ca.issueBrokerClientCertificate());
    await this.publishCrl();
    return { created: true };
  }

  /**
   * Issues the broker's client certificate (its webhook calls) when the CA exists but the certificate
   * does not: a PKI made before notifications existed gets it at the next `pki init` or `npm start`.
   * Answers whether it issued one.
   */
  ensureBrokerClientCertificate(): boolean {
    if (!this.store.hasCa() || this.store.hasBrokerClient()) return false;
    this.store.writeBrokerClient(
      CertificateAuthority.load(this.store.readCa()).issueBrokerClientCertificate(),
    );
    return true;
  }

  async issue(
    owner: CertificateOwner,
    validity = validityFromNow(this.config.clientCertificateDays),
  ): Promise<IssuedCertificate> {
    const ca = CertificateAuthority.load(this.store.readCa());
    const [role, id, displayName] =
      owner.kind === 'vendor'
        ? (['vendor', owner.vendorId, (await this.registry.findVendor(owner.vendorId)).name] as const)
        : ([
            'auditor',
            owner.auditorName,
            (await this.registry.findAuditor(owner.auditorName)).name,
          ] as const);
    const pair = ca.issueClientCertificate(role, id, displayName, validity);
    const facts = certificateFacts(pair.certificatePem);
    // Bind first: a certificate on disk that the registry does not know would only confuse its holder.
    await this.registry.bindCertificate(owner, facts);
    const files = this.store.writeClient(role, id, pair);
    return {
      ...files,
      serial: facts.serial,
      fingerprintSha256: facts.fingerprintSha256,
      notAfter: facts.notAfter,
    };
  }

  /**
   * Marks the certificate revoked in the registry (the broker refuses it from the next request) and, when
   * this is the development CA's certificate, publishes a CRL that lists it. Certificates of an external
   * trust store are revoked by their own CA's CRL; the registry refusal covers them meanwhile.
   */
  async revoke(serial: string, reason: RevocationReason = 'unspecified'): Promise<{ crlPublished: boolean }> {
    const certificate = await this.registry.revokeCertificate(serial, reason);
    if (!this.store.hasCa() || certificate.issuer !== this.caSubject()) return { crlPublished: false };
    await this.publishCrl();
    return { crlPublished: true };
  }

  private caSubject(): string {
    return certificateFacts(this.store.readCa().certificatePem).subject;
  }

  /**
   * Signs and writes a CRL of every revocation in the registry, numbered one past the current CRL's, and
   * records it in the exchange log right after the file is written (a file has no transaction to share).
   */
  async publishCrl(now: Date = new Date()): Promise<Date> {
    const ca = this.store.readCa();
    const revoked = await this.registry.revokedCertificates();
    const nextUpdate = new Date(now.getTime() + this.config.crlDays * 24 * 60 * 60 * 1000);
    const current = this.store.readCrl();
    const crlNumber = (current ? (crlNumberOf(current) ?? 0) : 0) + 1;
    const pem = await createCrl({
      caCertificatePem: ca.certificatePem,
      caKeyPem: ca.keyPem,
      revoked: revoked.map((certificate) => ({
        serial: certificate.serial,
        revokedAt: certificate.revokedAt as Date,
        reason: certificate.revocationReason,
      })),
      thisUpdate: now,
      nextUpdate,
      crlNumber,
    });
    this.store.writeCrl(pem);
    await this.registry.recordCrlPublished({ at: now, crlNumber, revokedCount: revoked.length });
    return nextUpdate;
  }

  /**
   * Re-publishes the CRL when it is missing or past half its validity: an expired CRL makes TLS refuse
   * every client, so it is renewed long before that.
   */
  async refreshCrlIfStale(now: Date = new Date()): Promise<boolean> {
    const current = this.store.readCrl();
    const nextUpdate = current ? crlNextUpdate(current) : null;
    const halfLife = (this.config.crlDays * 24 * 60 * 60 * 1000) / 2;
    if (nextUpdate && nextUpdate.getTime() - now.getTime() > halfLife) return false;
    await this.publishCrl(now);
    return true;
  }
}
