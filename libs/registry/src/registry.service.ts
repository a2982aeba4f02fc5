import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { BoardInstructionEntity } from './board-instruction.entity';
import { ClientCertificateEntity } from './client-certificate.entity';
import { MandateEntity } from './mandate.entity';
import { CertificateFacts, CertificateOwner, RegistryCertificates } from './registry-certificates';
import { RegistryChanges } from './registry-changes';
import { MandateGrant, RegistryMandates } from './registry-mandates';
import { RegistryError } from './registry-error';
import { NO_REGISTRY_EVENTS, REGISTRY_EVENT_RECORDER, RegistryEventRecorder } from './registry-events';
import { auditorOrRefuse, unknownSchool, vendorOrRefuse } from './registry-lookups';
import {
  auditorScope,
  requireAuditorName,
  requireBevoegdGezag,
  requireName,
  requireSector,
  requireVendorId,
  toSchoolCode,
} from './registry-rules';
import { formatSchoolCode } from './school-code';
import { SchoolEntity } from './school.entity';
import { findSchoolByCode, findSchoolsByIds } from './school-lookup';
import type { SchoolReads } from './school-reads';
import { VendorEntity } from './vendor.entity';

export type { CertificateFacts, CertificateOwner } from './registry-certificates';
export { activeMandatedSchools, isMandateActive, schoolsOnSide } from './registry-mandates';
export type { MandateGrant } from './registry-mandates';
export type { SchoolReads } from './school-reads';
export { findSchoolByCode, findSchoolsByIds } from './school-lookup';

export interface RegistrySnapshot {
  vendors: VendorEntity[];
  schools: SchoolEntity[];
  mandates: Array<MandateEntity & { school: SchoolEntity }>;
  auditors: AuditorEntity[];
  certificates: ClientCertificateEntity[];
  /** School boards' instructions (read-only here: only the vendor acting for a board records them). */
  boardInstructions: BoardInstructionEntity[];
}

/**
 * The registry of who may talk to the broker: vendors, schools, the mandates between them, auditors and
 * the certificates bound to each. Refusals are RegistryErrors with stable codes, never HTTP exceptions.
 * Changes of existing entries live in RegistryChanges, mandates in RegistryMandates, certificates in
 * RegistryCertificates; this is the one face of the registry the rest of the broker uses.
 */
@Injectable()
export class RegistryService {
  private readonly recorder: RegistryEventRecorder;
  private readonly certificates: RegistryCertificates;
  private readonly changes: RegistryChanges;
  private readonly mandates: RegistryMandates;
  private schoolReads: SchoolReads;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(REGISTRY_EVENT_RECORDER) recorder?: RegistryEventRecorder,
  ) {
    this.recorder = recorder ?? NO_REGISTRY_EVENTS;
    this.certificates = new RegistryCertificates(dataSource, this.recorder);
    this.changes = new RegistryChanges(dataSource, this.recorder);
    this.mandates = new RegistryMandates(dataSource, this.recorder);
    this.schoolReads = {
      schoolByCode: (code) => findSchoolByCode(dataSource.manager, code),
      schoolsWithIds: (ids, manager = dataSource.manager) => findSchoolsByIds(manager, ids),
    };
  }

  async addVendor(input: { id: string; name: string }): Promise<VendorEntity> {
    requireVendorId(input.id);
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

  async addSchool(input: {
    code: string;
    name: string;
    sector: string;
    bevoegdGezag: string;
  }): Promise<SchoolEntity> {
    const code = toSchoolCode(input.code);
    const name = requireName(input.name, 'school name');
    const sector = requireSector(input.sector);
    const bevoegdGezag = requireBevoegdGezag(input.bevoegdGezag);
    return this.dataSource.transaction(async (manager) => {
      const schools = manager.getRepository(SchoolEntity);
      if (await schools.existsBy(code)) {
        throw new RegistryError('SCHOOL_EXISTS', `school ${formatSchoolCode(code)} is already registered`);
      }
      const school = await schools.save(schools.create({ ...code, name, sector, bevoegdGezag }));
      await this.recorder.record(manager, {
        type: 'school_added',
        at: school.createdAt,
        schoolCode: formatSchoolCode(school),
        sector: school.sector,
        bevoegdGezag: school.bevoegdGezag,
      });
      return school;
    });
  }

  /** A board auditor (`boards`: bevoegd-gezag numbers) or a supervisory one, never both or neither. */
  async addAuditor(input: {
    name: string;
    boards?: string[];
    supervisory?: boolean;
  }): Promise<AuditorEntity> {
    requireAuditorName(input.name);
    const scope = auditorScope(input);
    return this.dataSource.transaction(async (manager) => {
      const auditors = manager.getRepository(AuditorEntity);
      if (await auditors.existsBy({ name: input.name })) {
        throw new RegistryError('AUDITOR_EXISTS', `auditor "${input.name}" is already registered`);
      }
      const auditor = await auditors.save(auditors.create({ name: input.name, ...scope }));
      await this.recorder.record(manager, {
        type: 'auditor_added',
        at: auditor.createdAt,
        auditorName: auditor.name,
        boards: auditor.boards,
        supervisory: auditor.supervisory,
      });
      return auditor;
    });
  }

  changeVendor(input: { id: string; name: string }): Promise<VendorEntity> {
    return this.changes.changeVendor(input);
  }

  /** Sets or (with `null`) clears the vendor's webhook URL (https only; see `requireWebhookUrl`). */
  setVendorWebhook(input: { id: string; url: string | null }): Promise<VendorEntity> {
    return this.changes.setVendorWebhook(input);
  }

  changeSchool(input: { code: string; name?: string; bevoegdGezag?: string }): Promise<SchoolEntity> {
    return this.changes.changeSchool(input);
  }

  changeAuditor(input: { name: string; boards?: string[]; supervisory?: boolean }): Promise<AuditorEntity> {
    return this.changes.changeAuditor(input);
  }

  findVendor(id: string): Promise<VendorEntity> {
    return vendorOrRefuse(this.dataSource.manager, id);
  }

  /** The auditor with its scope (`boards`, `supervisory`). */
  findAuditor(name: string): Promise<AuditorEntity> {
    return auditorOrRefuse(this.dataSource.manager, name);
  }

  /** The school with this code (RegistryError INVALID_SCHOOL_CODE or UNKNOWN_SCHOOL when there is none). */
  async findSchool(schoolCode: string): Promise<SchoolEntity> {
    const code = toSchoolCode(schoolCode);
    const school = await this.schoolReads.schoolByCode(code);
    if (!school) throw unknownSchool(code);
    return school;
  }

  async schoolById(id: string): Promise<SchoolEntity> {
    const [school] = await this.schoolReads.schoolsWithIds([id]);
    if (!school) throw new RegistryError('UNKNOWN_SCHOOL', `no school with id ${id} is registered`);
    return school;
  }

  /**
   * Schools by id. `manager` reads on a caller's transaction: its own connection, rather than another
   * from the pool while the caller holds locks that other connections may be waiting for (from the cache,
   * when there is one, no connection at all).
   */
  schoolsWithIds(ids: string[], manager?: EntityManager): Promise<SchoolEntity[]> {
    return this.schoolReads.schoolsWithIds(ids, manager);
  }

  /**
   * From now on, schools by code and id are read from `reads` (a change-invalidated cache: broker-api's
   * `CachedRegistryReads` hands itself over when it is made). Every user of this registry in the process,
   * the exchange's use cases included, then reads schools from it without knowing of it.
   */
  readSchoolsFrom(reads: SchoolReads): void {
    this.schoolReads = reads;
  }

  /** The codes (BRIN + vestiging) of the schools run by these boards, sorted: a board auditor's view. */
  async schoolCodesOfBoards(boards: string[]): Promise<string[]> {
    if (boards.length === 0) return [];
    const schools = await this.dataSource
      .getRepository(SchoolEntity)
      .find({ where: { bevoegdGezag: In([...new Set(boards)]) }, order: { brin: 'ASC', vestiging: 'ASC' } });
    return schools.map(formatSchoolCode);
  }

  /** Records that a school lets a vendor act for it, from `validFrom` (default: now) until `validUntil`. */
  grantMandate(input: MandateGrant): Promise<MandateEntity> {
    return this.mandates.grant(input);
  }

  /** Ends a school's mandate for a vendor now; the row stays as history. */
  revokeMandate(input: { schoolCode: string; vendorId: string }): Promise<MandateEntity> {
    return this.mandates.revoke(input);
  }

  /** The schools for which a vendor may act at `at`, ordered by BRIN and vestiging. */
  mandatedSchools(vendorId: string, at: Date = new Date()): Promise<SchoolEntity[]> {
    return this.mandates.mandatedSchools(vendorId, at);
  }

  /**
   * The schools for which a vendor may act on one side of a transfer at `at`: as sender (`source`) or
   * receiver (`target`). The exchange asks this on every request, so a revoked mandate ends access at once.
   */
  schoolsActingFor(
    vendorId: string,
    side: 'source' | 'target',
    at: Date = new Date(),
  ): Promise<SchoolEntity[]> {
    return this.mandates.schoolsActingFor(vendorId, side, at);
  }

  bindCertificate(owner: CertificateOwner, facts: CertificateFacts): Promise<ClientCertificateEntity> {
    return this.certificates.bind(owner, facts);
  }

  /** The bound certificate with its owner, or null when the fingerprint is not registered. */
  findCertificate(fingerprintSha256: string): Promise<ClientCertificateEntity | null> {
    return this.certificates.find(fingerprintSha256);
  }

  revokeCertificate(serial: string, reason: string): Promise<ClientCertificateEntity> {
    return this.certificates.revoke(serial, reason);
  }

  revokedCertificates(): Promise<ClientCertificateEntity[]> {
    return this.certificates.revoked();
  }

  /**
   * Records that the CA published a CRL of the registry's revocations. The CRL is a file, not a row: the
   * PKI calls this right after writing it (see decisions.md, "Registry scopes and changes").
   */
  recordCrlPublished(input: { at: Date; crlNumber: number; revokedCount: number }): Promise<void> {
    return this.dataSource.transaction((manager) =>
      this.recorder.record(manager, { type: 'crl_published', ...input }),
    );
  }

  async isEmpty(): Promise<boolean> {
    return (await this.dataSource.getRepository(VendorEntity).count()) === 0;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const [vendors, schools, mandates, auditors, certificates, boardInstructions] = await Promise.all([
      this.dataSource.getRepository(VendorEntity).find({ order: { id: 'ASC' } }),
      this.dataSource.getRepository(SchoolEntity).find({ order: { brin: 'ASC', vestiging: 'ASC' } }),
      this.dataSource
        .getRepository(MandateEntity)
        .find({ relations: { school: true }, order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(AuditorEntity).find({ order: { name: 'ASC' } }),
      this.dataSource.getRepository(ClientCertificateEntity).find({ order: { createdAt: 'ASC' } }),
      this.dataSource
        .getRepository(BoardInstructionEntity)
        .find({ order: { bevoegdGezag: 'ASC', recordedAt: 'ASC' } }),
    ]);
    return {
      vendors,
      schools,
      mandates: mandates as Array<MandateEntity & { school: SchoolEntity }>,
      auditors,
      certificates,
      boardInstructions,
    };
  }
}
