import {
  InvalidSchoolCodeError,
  RegistryError,
  RegistryService,
  SchoolEntity,
  formatSchoolCode,
  parseSchoolCode,
} from '@app/registry';
import { DataSource } from 'typeorm';
import type { DossierVersionEntity } from './dossier-version.entity';
import { DossierVersionRepository } from './dossier-version-repository';
import { TransferError, transferNotFound } from './transfer-error';
import type { MandateReads } from './mandate-reads';
import { TransferRepository } from './transfer-repository';
import type { TransferEntity } from './transfer.entity';
import type { TransferRole } from './transfer-views';

/**
 * Who may see and act on what: every use case asks here, with the calling vendor, and trusts no caller
 * to have checked. Misses look like "not found", whether the transfer exists or not.
 */
export class TransferAccess {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly clock: () => Date,
    private readonly mandates: MandateReads = registry,
  ) {}

  /** The schools the vendor may act for on one side now (see `MandateReads`). */
  schoolsActingFor(vendorId: string, side: TransferRole): Promise<SchoolEntity[]> {
    return this.mandates.schoolsActingFor(vendorId, side, this.clock());
  }

  /**
   * The versions with this canonical hash at the schools the vendor may send for now, with those schools:
   * how the sender reaches a version it staged by hash (retraction, rendering). Empty when there is none.
   */
  async versionsAtSendingSchools(
    vendorId: string,
    versionHash: string,
  ): Promise<{ versions: DossierVersionEntity[]; schools: SchoolEntity[] }> {
    const schools = await this.schoolsActingFor(vendorId, 'source');
    const versions = await new DossierVersionRepository(this.dataSource.manager).withHashAt(
      schools.map((school) => school.id),
      versionHash,
    );
    return { versions, schools };
  }

  /** The transfer if the vendor holds a mandate for one of its schools on the asked side; else "not found". */
  async visibleTransfer(
    vendorId: string,
    transferId: string,
    side?: TransferRole,
  ): Promise<{ transfer: TransferEntity; roles: TransferRole[] }> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(transferId))
      throw transferNotFound();
    const transfer = await new TransferRepository(this.dataSource.manager).byId(transferId);
    if (!transfer) throw transferNotFound();
    const now = this.clock();
    // Both sides asked at once: with a cache behind them they share its one consistency round trip.
    const [targets, sources] = await Promise.all([
      this.mandates.schoolsActingFor(vendorId, 'target', now),
      this.mandates.schoolsActingFor(vendorId, 'source', now),
    ]);
    const roles: TransferRole[] = [];
    if (targets.some((school) => school.id === transfer.targetSchoolId)) roles.push('target');
    if (sources.some((school) => school.id === transfer.sourceSchoolId)) roles.push('source');
    if (roles.length === 0) throw transferNotFound();
    if (side && !roles.includes(side)) {
      throw new TransferError(
        'ROLE_NOT_ALLOWED',
        'forbidden',
        side === 'target'
          ? 'Only the receiving school’s vendor may do this.'
          : 'Only the sending school’s vendor may do this.',
      );
    }
    return { transfer, roles };
  }

  async school(code: string, field: string): Promise<SchoolEntity> {
    try {
      parseSchoolCode(code);
      return await this.registry.findSchool(code);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'UNKNOWN_SCHOOL') {
        throw new TransferError('UNKNOWN_SCHOOL', 'unprocessable', `${field}: ${error.message}.`);
      }
      if (error instanceof RegistryError || error instanceof InvalidSchoolCodeError) {
        throw new TransferError('SCHOOL_CODE_INVALID', 'invalid', `${field}: ${error.message}`);
      }
      throw error;
    }
  }

  async requireMandate(vendorId: string, school: SchoolEntity, side: TransferRole): Promise<void> {
    const schools = await this.schoolsActingFor(vendorId, side);
    if (schools.some((candidate) => candidate.id === school.id)) return;
    throw new TransferError(
      'SCHOOL_NOT_MANDATED',
      'forbidden',
      `School ${formatSchoolCode(school)} has not mandated you to act as its ${side === 'target' ? 'receiving' : 'sending'} side.`,
    );
  }
}
