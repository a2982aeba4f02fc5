import type { ClientCertificateEntity, RegistryService, SchoolReads } from '@app/registry';
import type { DataSource, EntityManager } from 'typeorm';
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
      readSchoolsFrom: () => undefined,
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
        readSchoolsFrom: () => undefined,
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
        readSchoolsFrom: () => undefined,
      } as unknown as RegistryService,
      {} as DataSource,
      {
        live: true,
        onChange: (subscriber: () => void) => (changed = subscriber),
        heardAllCommitted: async () => undefined,
      } as unknown as RegistryChangeListener,
    );
    const loads = async (count: number) => {
      for (let turn = 0; turn < 100 && reads < count; turn++) await Promise.resolve();
    };
    const pending = slow.findCertificate('ab');
    await loads(1);
    changed(); // the notice arrives while the read is on its way to the database
    finish(bound);
    await pending;
    const again = slow.findCertificate('ab');
    await loads(2);
    finish(bound);
    await again;
    expect(reads).toBe(2);
  });
});

/** Schools by code and id from the cache (freshness across processes: school-reads.int-spec). */
describe('CachedRegistryReads for schools', () => {
  const columns = ['id', 'brin', 'vestiging', 'name', 'sector', 'bevoegdGezag', 'createdAt'].map(
    (propertyName) => ({ propertyName, databaseName: propertyName, type: 'varchar' }),
  );
  /** A manager whose queries answer the asked ids as school rows, and which counts them. */
  function countingManager() {
    const asked: string[][] = [];
    const manager = {
      connection: { getMetadata: () => ({ columns }) },
      query: async (sql: string, parameters: unknown[]) => {
        if (sql.includes('s.brin = $1')) {
          asked.push([`${String(parameters[0])}${String(parameters[1])}`]);
          return parameters[0] === '12AB' ? [{ id: 'id-12AB00', brin: '12AB', vestiging: '00' }] : [];
        }
        const ids = parameters[0] as string[];
        asked.push(ids);
        return ids.map((id) => ({ id, brin: '12AB', vestiging: '00' }));
      },
    } as unknown as EntityManager;
    return { manager, asked };
  }

  let live: boolean;
  let changed: () => void;
  let handedOver: SchoolReads | undefined;
  let database: ReturnType<typeof countingManager>;
  let cache: CachedRegistryReads;

  beforeEach(() => {
    live = true;
    database = countingManager();
    const registry = {
      readSchoolsFrom: (reads: SchoolReads) => (handedOver = reads),
    } as unknown as RegistryService;
    const listener = {
      get live() {
        return live;
      },
      onChange: (subscriber: () => void) => (changed = subscriber),
      heardAllCommitted: async () => undefined,
    } as unknown as RegistryChangeListener;
    cache = new CachedRegistryReads(registry, { manager: database.manager } as DataSource, listener);
  });

  it('hands itself to the registry as where schools are read', () => {
    expect(handedOver).toBe(cache);
  });

  it('reads only the schools it does not hold, in one query, and all again after a change', async () => {
    const [a] = await cache.schoolsWithIds(['a']);
    const both = await cache.schoolsWithIds(['a', 'b', 'a']);
    expect(both.map((school) => school.id)).toEqual(['a', 'b']);
    expect(both[0]).toBe(a);
    expect(database.asked).toEqual([['a'], ['b']]);
    changed();
    await cache.schoolsWithIds(['a', 'b']);
    expect(database.asked).toEqual([['a'], ['b'], ['a', 'b']]);
  });

  it('reads a miss on the caller’s transaction, never on another connection', async () => {
    const transaction = countingManager();
    await cache.schoolsWithIds(['a'], transaction.manager);
    expect([transaction.asked, database.asked]).toEqual([[['a']], []]);
    // Held now: the transaction's next read needs no connection at all.
    await cache.schoolsWithIds(['a'], transaction.manager);
    expect(transaction.asked).toEqual([['a']]);
  });

  it('remembers that a code is not registered only until the next change', async () => {
    expect(await cache.schoolByCode({ brin: '99ZZ', vestiging: '00' })).toBeNull();
    expect(await cache.schoolByCode({ brin: '99ZZ', vestiging: '00' })).toBeNull();
    expect(database.asked).toEqual([['99ZZ00']]);
    changed();
    await cache.schoolByCode({ brin: '99ZZ', vestiging: '00' });
    expect(database.asked).toEqual([['99ZZ00'], ['99ZZ00']]);
  });

  it('reads the database every time while the listener does not listen', async () => {
    live = false;
    await cache.schoolsWithIds(['a']);
    await cache.schoolsWithIds(['a']);
    await cache.schoolByCode({ brin: '12AB', vestiging: '00' });
    await cache.schoolByCode({ brin: '12AB', vestiging: '00' });
    expect(database.asked).toEqual([['a'], ['a'], ['12AB00'], ['12AB00']]);
  });
});
