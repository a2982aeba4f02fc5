import { CertificateOwner, RegistryService } from '@app/registry';
import { Inject, Injectable } from '@nestjs/common';
import {
  CertificateAuthority,
  DEFAULT_LEAF_KEY_TYPE,
  LeafKeyType,
  validityFromNow,
} from './certificate-authority';
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
  keyType: LeafKeyType;
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

  /**
   * Creates the CA, the server certificate, the broker's client certificate and an initial CRL. Refuses to
   * replace an existing CA. `serverKeyType` is the key of the broker's own two certificates: it signs
   * every answer and every webhook call with it.
   */
  async init(options: { force?: boolean; serverKeyType?: LeafKeyType } = {}): Promise<{ created: boolean }> {
    const serverKeyType = options.serverKeyType ?? this.config.serverKeyType ?? DEFAULT_LEAF_KEY_TYPE;
    if (this.store.hasCa() && !options.force) {
      this.ensureBrokerClientCertificate(serverKeyType);
      return { created: false };
    }
    const ca = CertificateAuthority.create('OSO broker development CA');
    this.store.writeCa(ca.pair);
    this.store.writeServer(ca.issueServerCertificate(DEV_SERVER_NAMES, undefined, serverKeyType));
    this.store.writeBrokerClient(ca.issueBrokerClientCertificate(undefined, serverKeyType));
    await this.publishCrl();
    return { created: true };
  }

  /**
   * Issues the broker's client certificate (its webhook calls) when the CA exists but the certificate
   * does not: a PKI made before notifications existed gets it at the next `pki init` or `npm start`.
   * Answers whether it issued one.
   */
  ensureBrokerClientCertificate(keyType: LeafKeyType = DEFAULT_LEAF_KEY_TYPE): boolean {
    if (!this.store.hasCa() || this.store.hasBrokerClient()) return false;
    this.store.writeBrokerClient(
      CertificateAuthority.load(this.store.readCa()).issueBrokerClientCertificate(undefined, keyType),
    );
    return true;
  }

  /**
   * Re-issues the broker's server certificate (same names) with a fresh key of `keyType`, keeping the CA:
   * clients that trust the CA accept it at once, clients that pin the old certificate must fetch the new
   * one. The broker reads it at start, so it takes effect at the next restart.
   */
  reissueServerCertificate(keyType: LeafKeyType = this.config.serverKeyType ?? DEFAULT_LEAF_KEY_TYPE): void {
    const ca = CertificateAuthority.load(this.store.readCa());
    this.store.writeServer(ca.issueServerCertificate(DEV_SERVER_NAMES, undefined, keyType));
  }

  /** Issues and binds a client certificate; `keyType` defaults to PKI_CLIENT_KEY_TYPE (P-256). */
  async issue(
    owner: CertificateOwner,
    validity = validityFromNow(this.config.clientCertificateDays),
    options: { keyType?: LeafKeyType } = {},
  ): Promise<IssuedCertificate> {
    const keyType = options.keyType ?? this.config.clientKeyType ?? DEFAULT_LEAF_KEY_TYPE;
    const ca = CertificateAuthority.load(this.store.readCa());
    const [role, id, displayName] =
      owner.kind === 'vendor'
        ? (['vendor', owner.vendorId, (await this.registry.findVendor(owner.vendorId)).name] as const)
        : ([
            'auditor',
            owner.auditorName,
            (await this.registry.findAuditor(owner.auditorName)).name,
          ] as const);
    const pair = ca.issueClientCertificate(role, id, displayName, validity, keyType);
    const facts = certificateFacts(pair.certificatePem);
    // Bind first: a certificate on disk that the registry does not know would only confuse its holder.
    await this.registry.bindCertificate(owner, facts);
    const files = this.store.writeClient(role, id, pair);
    return {
      ...files,
      serial: facts.serial,
      fingerprintSha256: facts.fingerprintSha256,
      notAfter: facts.notAfter,
      keyType,
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
