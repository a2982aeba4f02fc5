import { SchoolEntity, formatSchoolCode } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { EntityManager } from 'typeorm';
import type { TransferSchools } from './transfer-events';
import type { TransferEntity } from './transfer.entity';

/** A transfer's schools as its events name them, from the school rows the use case has loaded anyway. */
export function transferSchools(source: SchoolEntity, target: SchoolEntity): TransferSchools {
  return { source: formatSchoolCode(source), target: formatSchoolCode(target) };
}

/** What naming a transfer's schools needs of it. */
type TransferSchoolIds = Pick<TransferEntity, 'sourceSchoolId' | 'targetSchoolId'>;

/**
 * The schools of these transfers, read in one query in the caller's transaction: for the steps that start
 * from the transfer alone (receipt, withdrawal, fetch, a batch of the expiry sweep).
 */
export async function schoolsOfTransfers(
  manager: EntityManager,
  transfers: readonly TransferSchoolIds[],
): Promise<(transfer: TransferSchoolIds) => TransferSchools> {
  const ids = transfers.flatMap((transfer) => [transfer.sourceSchoolId, transfer.targetSchoolId]);
  const codes = new Map(
    (await findSchoolsByIds(manager, ids)).map((school) => [school.id, formatSchoolCode(school)]),
  );
  const code = (schoolId: string) => {
    const found = codes.get(schoolId);
    // A bug, not a refusal: a transfer always names registered schools (and schools are never deleted).
    if (found === undefined) throw new Error('a transfer names a school the registry does not hold');
    return found;
  };
  return (transfer) => ({ source: code(transfer.sourceSchoolId), target: code(transfer.targetSchoolId) });
}
