import type { EntityManager } from 'typeorm';
import type { SchoolCode } from './school-code';
import type { SchoolEntity } from './school.entity';

/**
 * Where `RegistryService` reads schools by code and by id, asked on nearly every exchange request. The
 * database answers by default; a broker-api process hands its change-invalidated cache
 * (`CachedRegistryReads`) to the registry instead. Whatever answers must never answer from a cache it
 * cannot keep current: a school registered, renamed or moved to another board counts on the next request.
 * Callers must not modify the schools it returns: a cache shares them between requests.
 */
export interface SchoolReads {
  /** The school with this code, or null when none is registered. */
  schoolByCode(code: SchoolCode): Promise<SchoolEntity | null>;
  /**
   * The schools with these ids (each once, in no particular order). `manager`: a caller's transaction,
   * whose connection any database read must use rather than take a second one from the pool.
   */
  schoolsWithIds(ids: readonly string[], manager?: EntityManager): Promise<SchoolEntity[]>;
}
