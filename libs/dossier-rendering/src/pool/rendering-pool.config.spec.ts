import { RENDERING_POOL_DEFAULTS, readRenderingPoolSettings } from './rendering-pool.config';

describe('readRenderingPoolSettings', () => {
  it('defaults to one thread, sixteen waiting, four per vendor and 512 MB of heap per thread', () => {
    expect(readRenderingPoolSettings({})).toEqual(RENDERING_POOL_DEFAULTS);
    expect(RENDERING_POOL_DEFAULTS).toMatchObject({
      threads: 1,
      waitingTotal: 16,
      perTenant: 4,
      workerHeapMb: 512,
    });
  });

  it('reads every setting', () => {
    expect(
      readRenderingPoolSettings({
        RENDERING_POOL_THREADS: '3',
        RENDERING_POOL_WAITING_TOTAL: '5',
        RENDERING_POOL_PER_VENDOR: '2',
        RENDERING_WORKER_HEAP_MB: '256',
      }),
    ).toMatchObject({ threads: 3, waitingTotal: 5, perTenant: 2, workerHeapMb: 256 });
  });

  it('names the variable and the problem in one line', () => {
    expect(() => readRenderingPoolSettings({ RENDERING_POOL_THREADS: '0' })).toThrow(
      'Configuration error: RENDERING_POOL_THREADS must be greater than 0 (got "0")',
    );
    expect(() =>
      readRenderingPoolSettings({
        RENDERING_POOL_THREADS: '1',
        RENDERING_POOL_WAITING_TOTAL: '1',
        RENDERING_POOL_PER_VENDOR: '3',
      }),
    ).toThrow(
      'Configuration error: RENDERING_POOL_PER_VENDOR must be at most RENDERING_POOL_THREADS + RENDERING_POOL_WAITING_TOTAL (2) (got "3")',
    );
  });
});
