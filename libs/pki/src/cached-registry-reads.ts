import {
  ClientCertificateEntity,
  MandateEntity,
  RegistryService,
  SchoolCode,
  SchoolEntity,
  SchoolReads,
  activeMandatedSchools,
  findSchoolByCode,
  findSchoolsByIds,
  formatSchoolCode,
  schoolsOnSide,
} from '@app/registry';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { RegistryChangeListener } from './registry-change-listener';

/**
 * A safety net under the change notices: an entry older than this is read again, so even a notice lost
 * without the listener noticing (a silently dropped connection) cannot keep a stale answer for longer.
 */
export const REGISTRY_CACHE_MAX_AGE_MS = 5_000;

/** Bounds the memory a flood of distinct certificates (an external CA's, unbound) could take: then it starts over. */
export const REGISTRY_CACHE_MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  loadedAt: number;
}

/**
 * The registry reads every request makes (the certificate's binding and owner, a vendor's mandates, the
 * schools named by code in a request or by id in a transfer), kept
 * in memory while the change listener listens, and dropped on every registry change it hears, on its
 * (re)connect and on its loss. While it does not listen, every read goes to the database: a stale
 * answer is never given for want of a notice. Time-dependent judgements (revocation dates, mandate
 * validity) are made on every read against the time of the request, never cached.
 */
export class CachedRegistryReads implements SchoolReads {
  private readonly certificates = new Map<string, Entry<ClientCertificateEntity | null>>();
  private readonly mandates = new Map<string, Entry<MandateEntity[]>>();
  /** By code (`12AB00`); null: not registered (dropped by the next change, a registration included). */
  private readonly schoolsByCode = new Map<string, Entry<SchoolEntity | null>>();
  private readonly schoolsById = new Map<string, Entry<SchoolEntity>>();
  /** Bumped on every change: a read that started before a change must not fill the cache after it. */
  private generation = 0;

  constructor(
    private readonly registry: RegistryService,
    private readonly dataSource: DataSource,
    private readonly listener: RegistryChangeListener,
  ) {
    listener.onChange(() => this.clear());
    // Every user of this registry in the process (the exchange's use cases) reads schools from here now.
    registry.readSchoolsFrom(this);
  }

  /** The bound certificate with its owner, or null when the fingerprint is not registered. */
  async findCertificate(fingerprintSha256: string): Promise<ClientCertificateEntity | null> {
    return this.read(this.certificates, fingerprintSha256, () =>
      this.registry.findCertificate(fingerprintSha256),
    );
  }

  /** The schools for which a vendor may act at `at`, ordered by code (as `RegistryService.mandatedSchools`). */
  async mandatedSchools(vendorId: string, at: Date = new Date()): Promise<SchoolEntity[]> {
    const mandates = await this.read(this.mandates, vendorId, () => this.loadMandates(vendorId));
    return activeMandatedSchools(mandates, at);
  }

  /**
   * The schools for which a vendor may act on one side at `at` (as `RegistryService.schoolsActingFor`):
   * from the same cached mandates, with side and validity judged on every call.
   */
  async schoolsActingFor(
    vendorId: string,
    side: 'source' | 'target',
    at: Date = new Date(),
  ): Promise<SchoolEntity[]> {
    const mandates = await this.read(this.mandates, vendorId, () => this.loadMandates(vendorId));
    return schoolsOnSide(mandates, side, at);
  }

  /** The school with this code, or null when none is registered (as the database would answer now). */
  async schoolByCode(code: SchoolCode): Promise<SchoolEntity | null> {
    return this.read(this.schoolsByCode, formatSchoolCode(code), () =>
      findSchoolByCode(this.dataSource.manager, code),
    );
  }

  /**
   * The schools with these ids (each once, in the order first asked). Missing ones are read in one
   * query on `manager` (a caller's transaction: its connection, never a second one from the pool).
   */
  async schoolsWithIds(ids: readonly string[], manager?: EntityManager): Promise<SchoolEntity[]> {
    const unique = [...new Set(ids)];
    const load = (wanted: readonly string[]) => findSchoolsByIds(manager ?? this.dataSource.manager, wanted);
    if (unique.length === 0) return [];
    if (!(await this.consistent())) return load(unique);
    const now = Date.now();
    const found: SchoolEntity[] = [];
    const missing: string[] = [];
    for (const id of unique) {
      const cached = this.schoolsById.get(id);
      if (cached !== undefined && now - cached.loadedAt < REGISTRY_CACHE_MAX_AGE_MS) found.push(cached.value);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const loaded = await load(missing);
    if (generation === this.generation && this.listener.live) {
      for (const school of loaded) remember(this.schoolsById, school.id, school, now);
    }
    return [...found, ...loaded];
  }

  private loadMandates(vendorId: string): Promise<MandateEntity[]> {
    return this.dataSource.getRepository(MandateEntity).find({
      where: { vendorId, revokedAt: IsNull() },
      relations: { school: true },
    });
  }

  /**
   * Whether the cache may answer: the listener listens and every change committed before this call has
   * been heard (one shared round trip, no registry query). False: the database answers.
   */
  private async consistent(): Promise<boolean> {
    if (!this.listener.live) return false;
    try {
      await this.listener.heardAllCommitted();
    } catch {
      return false; // the listener just failed
    }
    return this.listener.live;
  }

  private async read<T>(cache: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    if (!(await this.consistent())) return load();
    const now = Date.now();
    const cached = cache.get(key);
    if (cached !== undefined && now - cached.loadedAt < REGISTRY_CACHE_MAX_AGE_MS) return cached.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.listener.live) remember(cache, key, value, now);
    return value;
  }

  /** Emptied in place: a read waiting for the barrier holds the map it will look in. */
  private clear(): void {
    this.generation++;
    this.certificates.clear();
    this.mandates.clear();
    this.schoolsByCode.clear();
    this.schoolsById.clear();
  }
}

function remember<T>(cache: Map<string, Entry<T>>, key: string, value: T, loadedAt: number): void {
  if (cache.size >= REGISTRY_CACHE_MAX_ENTRIES) cache.clear();
  cache.set(key, { value, loadedAt });
}
