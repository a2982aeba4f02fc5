import { EntityManager } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { RegistryError } from './registry-error';
import { toSchoolCode } from './registry-rules';
import { SchoolCode, formatSchoolCode } from './school-code';
import { findSchoolByCode } from './school-lookup';
import { SchoolEntity } from './school.entity';
import { VendorEntity } from './vendor.entity';

/*
 * The registry's entries by their names, or the registry's not-found refusals. On an EntityManager, so a
 * change reads in its own transaction; `forUpdate` locks the row until the change commits, so two
 * concurrent changes of one entry are recorded in the order they happened.
 */

interface LookupOptions {
  forUpdate?: boolean;
}

function lockOf(options: LookupOptions) {
  return options.forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {};
}

export async function vendorOrRefuse(
  manager: EntityManager,
  id: string,
  options: LookupOptions = {},
): Promise<VendorEntity> {
  const vendor = await manager.getRepository(VendorEntity).findOne({ where: { id }, ...lockOf(options) });
  if (!vendor) throw new RegistryError('UNKNOWN_VENDOR', `no vendor "${id}" is registered`);
  return vendor;
}

export async function auditorOrRefuse(
  manager: EntityManager,
  name: string,
  options: LookupOptions = {},
): Promise<AuditorEntity> {
  const auditor = await manager.getRepository(AuditorEntity).findOne({ where: { name }, ...lockOf(options) });
  if (!auditor) throw new RegistryError('UNKNOWN_AUDITOR', `no auditor "${name}" is registered`);
  return auditor;
}

export async function schoolOrRefuse(
  manager: EntityManager,
  schoolCode: string,
  options: LookupOptions = {},
): Promise<SchoolEntity> {
  const code = toSchoolCode(schoolCode);
  const school = options.forUpdate
    ? await manager.getRepository(SchoolEntity).findOne({ where: code, ...lockOf(options) })
    : await findSchoolByCode(manager, code);
  if (!school) throw unknownSchool(code);
  return school;
}

/** The refusal of a school code nobody registered (the same wherever the school was looked for). */
export function unknownSchool(code: SchoolCode): RegistryError {
  return new RegistryError('UNKNOWN_SCHOOL', `no school ${formatSchoolCode(code)} is registered`);
}
