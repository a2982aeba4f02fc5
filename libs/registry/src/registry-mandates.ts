import { DataSource, In, IsNull } from 'typeorm';
import { MandateEntity, MandateSide } from './mandate.entity';
import { RegistryError } from './registry-error';
import { RegistryEventRecorder, RegistryLogEvent } from './registry-events';
import { schoolOrRefuse, vendorOrRefuse } from './registry-lookups';
import { formatSchoolCode } from './school-code';
import { SchoolEntity } from './school.entity';

export interface MandateGrant {
  schoolCode: string;
  vendorId: string;
  validFrom?: Date;
  validUntil?: Date | null;
  /** Which side of a transfer the mandate covers; default both (send and receive). */
  side?: MandateSide;
}

/** Whether a mandate lets its vendor act for the school at the given moment. */
export function isMandateActive(mandate: MandateEntity, at: Date): boolean {
  return (
    mandate.revokedAt === null &&
    mandate.validFrom.getTime() <= at.getTime() &&
    (mandate.validUntil === null || mandate.validUntil.getTime() > at.getTime())
  );
}

/** The schools a vendor's mandates let it act for at `at`, ordered by BRIN and vestiging. */
export function activeMandatedSchools(mandates: MandateEntity[], at: Date): SchoolEntity[] {
  return mandates
    .filter((mandate) => isMandateActive(mandate, at))
    .map((mandate) => mandate.school as SchoolEntity)
    .sort((a, b) => formatSchoolCode(a).localeCompare(formatSchoolCode(b)));
}

/** The schools a vendor's mandates let it act for on one side of a transfer at `at`. */
export function schoolsOnSide(
  mandates: MandateEntity[],
  side: 'source' | 'target',
  at: Date,
): SchoolEntity[] {
  return mandates
    .filter((mandate) => (mandate.side === side || mandate.side === 'both') && isMandateActive(mandate, at))
    .map((mandate) => mandate.school as SchoolEntity);
}

/** The mandates between schools and vendors, each grant and revocation recorded in its transaction. */
export class RegistryMandates {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: RegistryEventRecorder,
  ) {}

  /** Records that a school lets a vendor act for it, from `validFrom` (default: now) until `validUntil`. */
  async grant(input: MandateGrant): Promise<MandateEntity> {
    const school = await schoolOrRefuse(this.dataSource.manager, input.schoolCode);
    const vendor = await vendorOrRefuse(this.dataSource.manager, input.vendorId);
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
  async revoke(input: { schoolCode: string; vendorId: string }): Promise<MandateEntity> {
    const school = await schoolOrRefuse(this.dataSource.manager, input.schoolCode);
    await vendorOrRefuse(this.dataSource.manager, input.vendorId);
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
    return activeMandatedSchools(mandates, at);
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
    return schoolsOnSide(mandates, side, at);
  }
}

function mandateEvent(
  type: 'mandate_granted' | 'mandate_revoked',
  at: Date,
  school: SchoolEntity,
  mandate: MandateEntity,
): RegistryLogEvent {
  return { type, at, schoolCode: formatSchoolCode(school), vendorId: mandate.vendorId, side: mandate.side };
}
