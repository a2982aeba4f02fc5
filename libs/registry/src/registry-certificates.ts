import { plainRows } from '@app/persistence';
import { DataSource } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { normalizeSerial } from './certificate-serial';
import { ClientCertificateEntity } from './client-certificate.entity';
import { RegistryError } from './registry-error';
import { VendorEntity } from './vendor.entity';
import { CertificateHolder, RegistryEventRecorder } from './registry-events';
import { auditorOrRefuse, vendorOrRefuse } from './registry-lookups';

/** The certificate facts the registry keeps; read from the certificate itself by the PKI. */
export interface CertificateFacts {
  fingerprintSha256: string;
  serial: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export type CertificateOwner =
  { kind: 'vendor'; vendorId: string } | { kind: 'auditor'; auditorName: string };

/**
 * The client certificates bound to vendors and auditors: binding, lookup and revocation, each change
 * recorded in its transaction. Used through RegistryService, which owns the recorder.
 */
export class RegistryCertificates {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: RegistryEventRecorder,
  ) {}

  async bind(owner: CertificateOwner, facts: CertificateFacts): Promise<ClientCertificateEntity> {
    const ownerColumns =
      owner.kind === 'vendor'
        ? { vendorId: (await vendorOrRefuse(this.dataSource.manager, owner.vendorId)).id, auditorId: null }
        : {
            vendorId: null,
            auditorId: (await auditorOrRefuse(this.dataSource.manager, owner.auditorName)).id,
          };
    return this.dataSource.transaction(async (manager) => {
      const certificates = manager.getRepository(ClientCertificateEntity);
      if (await certificates.existsBy({ fingerprintSha256: facts.fingerprintSha256 })) {
        throw new RegistryError(
          'CERTIFICATE_ALREADY_BOUND',
          `certificate ${facts.fingerprintSha256} is already bound to a registry entry`,
        );
      }
      const certificate = await certificates.save(
        certificates.create({ ...facts, ...ownerColumns, revokedAt: null, revocationReason: null }),
      );
      await this.recorder.record(manager, {
        type: 'certificate_issued',
        at: certificate.createdAt,
        holder:
          owner.kind === 'vendor'
            ? { kind: 'vendor', id: owner.vendorId }
            : { kind: 'auditor', id: owner.auditorName },
        serial: certificate.serial,
        fingerprint: certificate.fingerprintSha256,
      });
      return certificate;
    });
  }

  /** The bound certificate with its owner, or null when the fingerprint is not registered. */
  async find(fingerprintSha256: string): Promise<ClientCertificateEntity | null> {
    // Plain SQL (#13): asked by every new TLS connection's cache miss; TypeORM's relation loading (a
    // DISTINCT query, then the joined one, then hydration) was the largest ORM cost left on that path.
    const manager = this.dataSource.manager;
    const certificate = plainRows(manager, ClientCertificateEntity, 'c', [], true);
    const vendor = plainRows(manager, VendorEntity, 'v', [], true);
    const auditor = plainRows(manager, AuditorEntity, 'a', [], true);
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT ${certificate.select}, ${vendor.select}, ${auditor.select}
       FROM client_certificates c
       LEFT JOIN vendors v ON v.id = c.vendor_id
       LEFT JOIN auditors a ON a.id = c.auditor_id
       WHERE c.fingerprint_sha256 = $1`,
      [fingerprintSha256],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    // As TypeORM's `relations` load gives it: the owner that is not there is null.
    return Object.assign(certificate.map(row), {
      vendor: row['v.id'] === null ? null : vendor.map(row),
      auditor: row['a.id'] === null ? null : auditor.map(row),
    });
  }

  async revoke(serial: string, reason: string): Promise<ClientCertificateEntity> {
    return this.dataSource.transaction(async (manager) => {
      const certificates = manager.getRepository(ClientCertificateEntity);
      const certificate = await certificates.findOne({
        where: { serial: normalizeSerial(serial) },
        relations: { auditor: true },
      });
      if (!certificate) {
        throw new RegistryError('UNKNOWN_CERTIFICATE', `no certificate with serial ${serial} is registered`);
      }
      if (certificate.revokedAt !== null) {
        throw new RegistryError(
          'CERTIFICATE_ALREADY_REVOKED',
          `certificate ${serial} was already revoked at ${certificate.revokedAt.toISOString()}`,
        );
      }
      certificate.revokedAt = new Date();
      certificate.revocationReason = reason;
      const revoked = await certificates.save(certificate);
      await this.recorder.record(manager, {
        type: 'certificate_revoked',
        at: certificate.revokedAt,
        holder: certificateHolder(certificate),
        serial: certificate.serial,
        reason,
      });
      return revoked;
    });
  }

  revoked(): Promise<ClientCertificateEntity[]> {
    return this.dataSource
      .getRepository(ClientCertificateEntity)
      .createQueryBuilder('certificate')
      .where('certificate.revoked_at IS NOT NULL')
      .orderBy('certificate.revoked_at', 'ASC')
      .getMany();
  }
}

function certificateHolder(certificate: ClientCertificateEntity): CertificateHolder | null {
  if (certificate.vendorId !== null) return { kind: 'vendor', id: certificate.vendorId };
  if (certificate.auditor) return { kind: 'auditor', id: certificate.auditor.name };
  return null;
}
