import { plainRows } from '@app/persistence';
import type { EntityManager } from 'typeorm';
import type { SchoolCode } from './school-code';
import { SchoolEntity } from './school.entity';

/*
 * The schools table's reads, in plain parameterized SQL (#13): asked on the exchange's hot paths, where
 * TypeORM's query building and hydration cost more than the query. A light module (no Nest service), for
 * callers that hold a transaction and need schools, such as the release worker and the exchange log's
 * recorder; the broker's RegistryService answers the same from its change-invalidated cache when it has one.
 */

function schoolRows(manager: EntityManager) {
  return plainRows(manager, SchoolEntity, 's');
}

/** The schools with these ids (each once, in no particular order), read on `manager`'s connection. */
export async function findSchoolsByIds(
  manager: EntityManager,
  ids: readonly string[],
): Promise<SchoolEntity[]> {
  if (ids.length === 0) return [];
  const plain = schoolRows(manager);
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT ${plain.select} FROM schools s WHERE s.id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  return rows.map((row) => plain.map(row));
}

/** The school with this BRIN and vestiging, or null when none is registered. */
export async function findSchoolByCode(
  manager: EntityManager,
  code: SchoolCode,
): Promise<SchoolEntity | null> {
  const plain = schoolRows(manager);
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT ${plain.select} FROM schools s WHERE s.brin = $1 AND s.vestiging = $2`,
    [code.brin, code.vestiging],
  );
  return rows.length === 0 ? null : plain.map(rows[0]);
}
