import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { ClientCertificateEntity } from './client-certificate.entity';
import { normalizeSerial } from './certificate-serial';
import { MandateEntity, MandateSide } from './mandate.entity';
import { RegistryError } from './registry-error';
import {
  CertificateHolder,
  NO_REGISTRY_EVENTS,
  REGISTRY_EVENT_RECORDER,
  RegistryEventRecorder,
  RegistryLogEvent,
} from './registry-events';
import { InvalidSchoolCodeError, SchoolCode, formatSchoolCode, parseSchoolCode } from './school-code';
import { SCHOOL_SECTORS, SchoolSector } from './school-sector';
import { SchoolEntity } from './school.entity';
import { findSchoolsByIds } from './school-lookup';
import { VendorEntity } from './vendor.entity';

const VENDOR_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;
const AUDITOR_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
/** Ids go into the exchange log, which refuses a run of digits that could be a BSN or a date. */
const LONG_DIGIT_RUN = /[0-9]{8}/;

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

export interface RegistrySnapshot {
  vendors: VendorEntity[];
  schools: SchoolEntity[];
  mandates: Array<MandateEntity & { school: SchoolEntity }>;
  auditors: AuditorEntity[];
  certificates: ClientCertificateEntity[];
}

/** Whether a mandate lets its vendor act for the school at the given moment. */
export function isMandateActive(mandate: MandateEntity, at: Date): boolean {
  return (
    mandate.revokedAt === null &&
    mandate.validFrom.getTime() <= at.getTime() &&
    (mandate.validUntil === null || mandate.validUntil.getTime() > at.getTime())
  );
}

/**
 * The registry of who may talk to the broker: vendors, schools, the mandates between them, auditors and
 * the certificates bound to each. Refusals are RegistryErrors with stable codes, never HTTP exceptions.
 */
@Injectable()
export class RegistryService {
  private readonly recorder: RegistryEventRecorder;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(REGISTRY_EVENT_RECORDER) recorder?: RegistryEventRecorder,
  ) {
    this.recorder = recorder ?? NO_REGISTRY_EVENTS;
  }

  async addVendor(input: { id: string; name: string }): Promise<VendorEntity> {
    if (!VENDOR_ID_PATTERN.test(input.id) || LONG_DIGIT_RUN.test(input.id)) {
      throw new RegistryError(
        'INVALID_VENDOR_ID',
        `vendor id "${input.id}" must be 2-64 characters of a-z, 0-9 and '-', starting with a letter or digit, without 8 digits in a row`,
      );
    }
    const name = requireName(input.name, 'vendor name');
    return this.dataSource.transaction(async (manager) => {
      const vendors = manager.getRepository(VendorEntity);
      if (await vendors.existsBy({ id: input.id })) {
        throw new RegistryError('VENDOR_EXISTS', `vendor "${input.id}" is already registered`);
      }
      const vendor = await vendors.save(vendors.create({ id: input.id, name }));
      await this.recorder.record(manager, {
        type: 'vendor_added',
        at: vendor.createdAt,
        vendorId: vendor.id,
      });
      return vendor;
    });
  }

  async addSchool(input: { code: string; name: string; sector: string }): Promise<SchoolEntity> {
    const code = toSchoolCode(input.code);
    const name = requireName(input.name, 'school name');
    if (!(SCHOOL_SECTORS as readonly string[]).includes(input.sector)) {
      throw new RegistryError(
        'INVALID_SECTOR',
        `sector "${input.sector}" is not one of ${SCHOOL_SECTORS.join(', ')}`,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const schools = manager.getRepository(SchoolEntity);
      if (await schools.existsBy(code)) {
        throw new RegistryError('SCHOOL_EXISTS', `school ${formatSchoolCode(code)} is already registered`);
      }
      const school = await schools.save(
        schools.create({ ...code, name, sector: input.sector as SchoolSector }),
      );
      await this.recorder.record(manager, {
        type: 'school_added',
        at: school.createdAt,
        schoolCode: formatSchoolCode(school),
        sector: school.sector,
      });
      return school;
    });
  }

  async addAuditor(input: { name: string }): Promise<AuditorEntity> {
    if (!AUDITOR_NAME_PATTERN.test(input.name) || LONG_DIGIT_RUN.test(input.name)) {
      throw new RegistryError(
        'INVALID_NAME',
        `auditor name "${input.name}" must be 2-64 characters of a-z, 0-9, '.', '_' and '-', without 8 digits in a row`,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const auditors = manager.getRepository(AuditorEntity);
      if (await auditors.existsBy({ name: input.name })) {
        throw new RegistryError('AUDITOR_EXISTS', `auditor "${input.name}" is already registered`);
      }
      const auditor = await auditors.save(auditors.create({ name: input.name }));
      await this.recorder.record(manager, {
        type: 'auditor_added',
        at: auditor.createdAt,
        auditorName: auditor.name,
      });
      return auditor;
    });
  }

  async findVendor(id: string): Promise<VendorEntity> {
    const vendor = await this.dataSource.getRepository(VendorEntity).findOneBy({ id });
    if (!vendor) throw new RegistryError('UNKNOWN_VENDOR', `no vendor "${id}" is registered`);
    return vendor;
  }

  async findAuditor(name: string): Promise<AuditorEntity> {
    const auditor = await this.dataSource.getRepository(AuditorEntity).findOneBy({ name });
    if (!auditor) throw new RegistryError('UNKNOWN_AUDITOR', `no auditor "${name}" is registered`);
    return auditor;
  }

  async findSchool(schoolCode: string): Promise<SchoolEntity> {
    const code = toSchoolCode(schoolCode);
    const school = await this.dataSource.getRepository(SchoolEntity).findOneBy(code);
    if (!school) {
      throw new RegistryError('UNKNOWN_SCHOOL', `no school ${formatSchoolCode(code)} is registered`);
    }
    return school;
  }

  async schoolById(id: string): Promise<SchoolEntity> {
    const school = await this.dataSource.getRepository(SchoolEntity).findOneBy({ id });
    if (!school) throw new RegistryError('UNKNOWN_SCHOOL', `no school with id ${id} is registered`);
    return school;
  }

  /**
   * Schools by id. `manager` reads on a caller's transaction: its own connection, rather than another
   * from the pool while the caller holds locks that other connections may be waiting for.
   */
  schoolsWithIds(ids: string[], manager: EntityManager = this.dataSource.manager): Promise<SchoolEntity[]> {
    return findSchoolsByIds(manager, ids);
  }

  /** Records that a school lets a vendor act for it, from `validFrom` (default: now) until `validUntil`. */
  async grantMandate(input: {
    schoolCode: string;
    vendorId: string;
    validFrom?: Date;
    validUntil?: Date | null;
    /** Which side of a transfer the mandate covers; default both (send and receive). */
    side?: MandateSide;
  }): Promise<MandateEntity> {
    const school = await this.findSchool(input.schoolCode);
    const vendor = await this.findVendor(input.vendorId);
    const validFrom = input.validFrom ?? new Date();
    const validUntil = input.validUntil ?? null;
    if (validUntil !== null && validUntil.getTime() <= validFrom.getTime()) {
      throw new RegistryError('INVALID_MANDATE_PERIOD', 'a mandate must end after it starts');
    }
    return this.dataSource.transaction(async (manager) => {
      const open = await manager.getRepository(MandateEntity).findBy({
        schoolId: school.id,
        vendorId: vendor.id,
        revokedAt: IsNull(),
      });
      const now = new Date();
      if (open.some((mandate) => mandate.validUntil === null || mandate.validUntil > now)) {
        throw new RegistryError(
          'MANDATE_EXISTS',
          `school ${formatSchoolCode(school)} has already mandated vendor "${vendor.id}"; revoke it first to change it`,
        );
      }
      const repository = manager.getRepository(MandateEntity);
      const mandate = await repository.save(
        repository.create({
          schoolId: school.id,
          vendorId: vendor.id,
          side: input.side ?? 'both',
          validFrom,
          validUntil,
          revokedAt: null,
        }),
      );
      await this.recorder.record(manager, mandateEvent('mandate_granted', now, school, mandate));
      return mandate;
    });
  }

  /** Ends a school's mandate for a vendor now; the row stays as history. */
  async revokeMandate(input: { schoolCode: string; vendorId: string }): Promise<MandateEntity> {
    const school = await this.findSchool(input.schoolCode);
    await this.findVendor(input.vendorId);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(MandateEntity);
      const now = new Date();
      const active = (
        await repository.findBy({ schoolId: school.id, vendorId: input.vendorId, revokedAt: IsNull() })
      ).filter((mandate) => mandate.validUntil === null || mandate.validUntil > now);
      if (active.length === 0) {
        throw new RegistryError(
          'NO_ACTIVE_MANDATE',
          `school ${formatSchoolCode(school)} has no open mandate for vendor "${input.vendorId}"`,
        );
      }
      for (const mandate of active) mandate.revokedAt = now;
      await repository.save(active);
      for (const mandate of active) {
        await this.recorder.record(manager, mandateEvent('mandate_revoked', now, school, mandate));
      }
      return active[0];
    });
  }

  /** The schools for which a vendor may act at `at`, ordered by BRIN and vestiging. */
  async mandatedSchools(vendorId: string, at: Date = new Date()): Promise<SchoolEntity[]> {
    const mandates = await this.dataSource.getRepository(MandateEntity).find({
      where: { vendorId, revokedAt: IsNull() },
      relations: { school: true },
    });
    return mandates
      .filter((mandate) => isMandateActive(mandate, at))
      .map((mandate) => mandate.school as SchoolEntity)
      .sort((a, b) => formatSchoolCode(a).localeCompare(formatSchoolCode(b)));
  }

  /**
   * The schools for which a vendor may act on one side of a transfer at `at`: as sender (`source`) or
   * receiver (`target`). The exchange asks this on every request, so a revoked mandate ends access at once.
   */
  async schoolsActingFor(
    vendorId: string,
    side: 'source' | 'target',
    at: Date = new Date(),
  ): Promise<SchoolEntity[]> {
    const mandates = await this.dataSource.getRepository(MandateEntity).find({
      where: { vendorId, revokedAt: IsNull(), side: In([side, 'both']) },
      relations: { school: true },
    });
    return mandates.filter((mandate) => isMandateActive(mandate, at)).map((mandate) => mandate.school!);
  }

  async bindCertificate(owner: CertificateOwner, facts: CertificateFacts): Promise<ClientCertificateEntity> {
    const ownerColumns =
      owner.kind === 'vendor'
        ? { vendorId: (await this.findVendor(owner.vendorId)).id, auditorId: null }
        : { vendorId: null, auditorId: (await this.findAuditor(owner.auditorName)).id };
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
  findCertificate(fingerprintSha256: string): Promise<ClientCertificateEntity | null> {
    return this.dataSource.getRepository(ClientCertificateEntity).findOne({
      where: { fingerprintSha256 },
      relations: { vendor: true, auditor: true },
    });
  }

  async revokeCertificate(serial: string, reason: string): Promise<ClientCertificateEntity> {
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

  revokedCertificates(): Promise<ClientCertificateEntity[]> {
    return this.dataSource
      .getRepository(ClientCertificateEntity)
      .createQueryBuilder('certificate')
      .where('certificate.revoked_at IS NOT NULL')
      .orderBy('certificate.revoked_at', 'ASC')
      .getMany();
  }

  async isEmpty(): Promise<boolean> {
    return (await this.dataSource.getRepository(VendorEntity).count()) === 0;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const [vendors, schools, mandates, auditors, certificates] = await Promise.all([
      this.dataSource.getRepository(VendorEntity).find({ order: { id: 'ASC' } }),
      this.dataSource.getRepository(SchoolEntity).find({ order: { brin: 'ASC', vestiging: 'ASC' } }),
      this.dataSource
        .getRepository(MandateEntity)
        .find({ relations: { school: true }, order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(AuditorEntity).find({ order: { name: 'ASC' } }),
      this.dataSource.getRepository(ClientCertificateEntity).find({ order: { createdAt: 'ASC' } }),
    ]);
    return {
      vendors,
      schools,
      mandates: mandates as Array<MandateEntity & { school: SchoolEntity }>,
      auditors,
      certificates,
    };
  }
}

function toSchoolCode(input: string): SchoolCode {
  try {
    return parseSchoolCode(input);
  } catch (error) {
    if (error instanceof InvalidSchoolCodeError) {
      throw new RegistryError('INVALID_SCHOOL_CODE', error.message);
    }
    throw error;
  }
}

function requireName(name: string, what: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new RegistryError('INVALID_NAME', `${what} must be 1-200 characters`);
  }
  return trimmed;
}

function mandateEvent(
  type: 'mandate_granted' | 'mandate_revoked',
  at: Date,
  school: SchoolEntity,
  mandate: MandateEntity,
): RegistryLogEvent {
  return { type, at, schoolCode: formatSchoolCode(school), vendorId: mandate.vendorId, side: mandate.side };
}

function certificateHolder(certificate: ClientCertificateEntity): CertificateHolder | null {
  if (certificate.vendorId !== null) return { kind: 'vendor', id: certificate.vendorId };
  if (certificate.auditor) return { kind: 'auditor', id: certificate.auditor.name };
  return null;
}
