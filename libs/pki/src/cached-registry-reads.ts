import {
  ClientCertificateEntity,
  MandateEntity,
  RegistryService,
  SchoolEntity,
  activeMandatedSchools,
  schoolsOnSide,
} from '@app/registry';
import { DataSource, IsNull } from 'typeorm';
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
 * The registry reads every request makes (the certificate's binding and owner, a vendor's mandates), kept
 * in memory while the change listener listens, and dropped on every registry change it hears, on its
 * (re)connect and on its loss. While it does not listen, every read goes to the database: a stale
 * answer is never given for want of a notice. Time-dependent judgements (revocation dates, mandate
 * validity) are made on every read against the time of the request, never cached.
 */
export class CachedRegistryReads {
  private readonly certificates = new Map<string, Entry<ClientCertificateEntity | null>>();
  private readonly mandates = new Map<string, Entry<MandateEntity[]>>();
  /** Bumped on every change: a read that started before a change must not fill the cache after it. */
  private generation = 0;

  constructor(
    private readonly registry: RegistryService,
    private readonly dataSource: DataSource,
    private readonly listener: RegistryChangeListener,
  ) {
    listener.onChange(() => this.clear());
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

  private loadMandates(vendorId: string): Promise<MandateEntity[]> {
    return this.dataSource.getRepository(MandateEntity).find({
      where: { vendorId, revokedAt: IsNull() },
      relations: { school: true },
    });
  }

  private async read<T>(cache: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.listener.live) return load();
    try {
      // Changes committed before this request are heard first (one shared round trip, no registry query).
      await this.listener.heardAllCommitted();
    } catch {
      return load(); // the listener just failed: the database answers
    }
    if (!this.listener.live) return load();
    const now = Date.now();
    const cached = cache.get(key);
    if (cached !== undefined && now - cached.loadedAt < REGISTRY_CACHE_MAX_AGE_MS) return cached.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.listener.live) {
      if (cache.size >= REGISTRY_CACHE_MAX_ENTRIES) cache.clear();
      cache.set(key, { value, loadedAt: now });
    }
    return value;
  }

  /** Emptied in place: a read waiting for the barrier holds the map it will look in. */
  private clear(): void {
    this.generation++;
    this.certificates.clear();
    this.mandates.clear();
  }
}
