import { EntityManager, In } from 'typeorm';
import { SchoolEntity } from './school.entity';

/**
 * The schools with these ids, read in the caller's transaction. A light module (no Nest service), for
 * callers that hold a transaction and need school codes, such as the exchange log's recorder.
 */
export function findSchoolsByIds(manager: EntityManager, ids: readonly string[]): Promise<SchoolEntity[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return manager.getRepository(SchoolEntity).findBy({ id: In([...new Set(ids)]) });
}
