import { readValidationPoolSettings } from './validation-pool.config';

describe('readValidationPoolSettings', () => {
  it('defaults, on two cores and one process, to two threads, one kept for the other vendors, and 512 MB of heap per thread', () => {
    expect(readValidationPoolSettings({}, 2)).toEqual({
      threads: 2,
      runningPerTenant: 1,
      runningBytesPerTenant: 24 * 2 ** 20,
      waitingPerTenant: 4,
      waitingBytesPerTenant: 48 * 2 ** 20,
      waitingTotal: 64,
      workerHeapMb: 512,
      workerYoungHeapMb: 64,
      idleSeconds: 10,
    });
  });

  it('shares the cores out over the broker-api processes when no thread count is set', () => {
    const threads = (env: Record<string, string>, cores: number) =>
      readValidationPoolSettings(env, cores).threads;
    expect(threads({}, 8)).toBe(8);
    expect(threads({ BROKER_API_PROCESSES: '2' }, 8)).toBe(4);
    expect(threads({ BROKER_API_PROCESSES: '3' }, 8)).toBe(2);
    expect(threads({ BROKER_API_PROCESSES: '2' }, 2)).toBe(1);
    expect(threads({ BROKER_API_PROCESSES: '4' }, 2)).toBe(1);
    expect(threads({ BROKER_API_PROCESSES: '2', VALIDATION_THREADS: '3' }, 2)).toBe(3);
    // One thread per process: a vendor may use it (the queue still takes vendors in turn).
    expect(readValidationPoolSettings({ BROKER_API_PROCESSES: '2' }, 2).runningPerTenant).toBe(1);
    expect(readValidationPoolSettings({ BROKER_API_PROCESSES: '2' }, 8).runningPerTenant).toBe(3);
    expect(() => readValidationPoolSettings({ BROKER_API_PROCESSES: '0' }, 2)).toThrow(
      'Configuration error: BROKER_API_PROCESSES must be greater than 0 (got "0")',
    );
  });

  it('lets a vendor run threads − 1 validations, or as many as set', () => {
    expect(readValidationPoolSettings({ VALIDATION_THREADS: '4' }).runningPerTenant).toBe(3);
    expect(
      readValidationPoolSettings({ VALIDATION_THREADS: '4', VALIDATION_RUNNING_PER_VENDOR: '4' })
        .runningPerTenant,
    ).toBe(4);
  });

  it('names the variable and the problem in one line', () => {
    expect(() =>
      readValidationPoolSettings({ VALIDATION_THREADS: '2', VALIDATION_RUNNING_PER_VENDOR: '3' }),
    ).toThrow(
      'Configuration error: VALIDATION_RUNNING_PER_VENDOR must be at most VALIDATION_THREADS (2) (got "3")',
    );
    expect(() => readValidationPoolSettings({ VALIDATION_WORKER_HEAP_MB: '0' })).toThrow(
      'Configuration error: VALIDATION_WORKER_HEAP_MB must be greater than 0 (got "0")',
    );
  });
});
