import { readValidationPoolSettings } from './validation-pool.config';

describe('readValidationPoolSettings', () => {
  it('defaults to two threads, one of them kept for the other vendors, and 512 MB of heap per thread', () => {
    expect(readValidationPoolSettings({})).toEqual({
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
