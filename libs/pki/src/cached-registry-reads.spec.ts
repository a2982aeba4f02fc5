import type { ClientCertificateEntity, RegistryService } from '@app/registry';
import type { DataSource } from 'typeorm';
import { CachedRegistryReads, REGISTRY_CACHE_MAX_AGE_MS } from './cached-registry-reads';
import type { RegistryChangeListener } from './registry-change-listener';

/** The cache's rules, on a registry that counts its reads (the invalidation itself: registry-changes.int-spec). */
describe('CachedRegistryReads', () => {
  let reads: number;
  let live: boolean;
  let changed: () => void;
  let cache: CachedRegistryReads;
  const bound = { serial: '01' } as ClientCertificateEntity;

  beforeEach(() => {
    reads = 0;
    live = true;
    const registry = {
      findCertificate: async () => {
        reads++;
        return bound;
      },
    } as unknown as RegistryService;
    const listener = {
      get live() {
        return live;
      },
      onChange: (subscriber: () => void) => {
        changed = subscriber;
      },
      heardAllCommitted: async () => undefined,
    } as unknown as RegistryChangeListener;
    cache = new CachedRegistryReads(registry, {} as DataSource, listener);
  });

  afterEach(() => jest.restoreAllMocks());

  it('reads once while the listener listens, and again after a change', async () => {
    expect(await cache.findCertificate('ab')).toBe(bound);
    await cache.findCertificate('ab');
    expect(reads).toBe(1);
    changed();
    await cache.findCertificate('ab');
    expect(reads).toBe(2);
  });

  it('reads the database every time while the listener does not listen', async () => {
    live = false;
    await cache.findCertificate('ab');
    await cache.findCertificate('ab');
    expect(reads).toBe(2);
  });

  it('reads again once an entry is older than the maximum age, notice or not', async () => {
    const start = Date.now();
    const now = jest.spyOn(Date, 'now').mockReturnValue(start);
    await cache.findCertificate('ab');
    now.mockReturnValue(start + REGISTRY_CACHE_MAX_AGE_MS - 1);
    await cache.findCertificate('ab');
    expect(reads).toBe(1);
    now.mockReturnValue(start + REGISTRY_CACHE_MAX_AGE_MS);
    await cache.findCertificate('ab');
    expect(reads).toBe(2);
  });

  it('does not answer from what a change dropped while the read waited for the barrier', async () => {
    await cache.findCertificate('ab');
    const barrier: { release: () => void } = { release: () => undefined };
    const waiting = new CachedRegistryReads(
      {
        findCertificate: async () => {
          reads++;
          return bound;
        },
      } as unknown as RegistryService,
      {} as DataSource,
      {
        live: true,
        onChange: (subscriber: () => void) => (changed = subscriber),
        heardAllCommitted: () => new Promise<void>((resolve) => (barrier.release = resolve)),
      } as unknown as RegistryChangeListener,
    );
    reads = 0;
    const first = waiting.findCertificate('ab');
    barrier.release();
    await first;
    const second = waiting.findCertificate('ab');
    changed(); // the notice arrives while the second read waits for its round trip
    barrier.release();
    await second;
    expect(reads).toBe(2);
  });

  it('does not keep what a read started before a change returned', async () => {
    let finish: (value: ClientCertificateEntity) => void = () => undefined;
    const slow = new CachedRegistryReads(
      {
        findCertificate: () => {
          reads++;
          return new Promise<ClientCertificateEntity>((resolve) => (finish = resolve));
        },
      } as unknown as RegistryService,
      {} as DataSource,
      {
        live: true,
        onChange: (subscriber: () => void) => (changed = subscriber),
      } as unknown as RegistryChangeListener,
    );
    const pending = slow.findCertificate('ab');
    changed();
    finish(bound);
    await pending;
    const again = slow.findCertificate('ab');
    finish(bound);
    await again;
    expect(reads).toBe(2);
  });
});
