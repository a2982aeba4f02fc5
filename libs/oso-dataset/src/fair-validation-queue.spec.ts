import { FairShareLimits, FairValidationQueue, runningPerTenantFor } from './fair-validation-queue';

const MB = 1024 * 1024;
const LIMITS: FairShareLimits = {
  slots: 2,
  runningPerTenant: 1,
  runningBytesPerTenant: 24 * MB,
  waitingPerTenant: 3,
  waitingBytesPerTenant: 48 * MB,
  waitingTotal: 10,
};

/** Takes what may start now, as the pool does when a thread frees. */
function startAll(queue: FairValidationQueue<string>): string[] {
  const started: string[] = [];
  for (let next = queue.next(); next; next = queue.next()) started.push(next.job);
  return started;
}

describe('FairValidationQueue', () => {
  it('keeps one thread for the others: a flooding tenant runs one at a time on two threads', () => {
    const queue = new FairValidationQueue<string>(LIMITS);
    for (const job of ['a1', 'a2']) expect(queue.enqueue('a', 19 * MB, job)).toBeNull();
    expect(startAll(queue)).toEqual(['a1']);
    expect(queue.enqueue('a', 19 * MB, 'a3')).toBeNull();
    expect(startAll(queue)).toEqual([]); // a second thread is free, but not for a
    expect(queue.enqueue('b', 170_000, 'b1')).toBeNull();
    expect(startAll(queue)).toEqual(['b1']);
    expect(queue.load()).toEqual({ waiting: 2, running: 2 });
    expect(queue.load('a')).toEqual({ waiting: 2, running: 1 });
  });

  it('hands free threads out round-robin over the tenants that wait', () => {
    const queue = new FairValidationQueue<string>({ ...LIMITS, slots: 1 });
    for (const job of ['a1', 'a2', 'a3']) queue.enqueue('a', 1000, job);
    for (const job of ['b1', 'b2']) queue.enqueue('b', 1000, job);
    queue.enqueue('c', 1000, 'c1');
    const order: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) {
      order.push(next.job);
      queue.finished(next.tenant, next.bytes);
    }
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('weighs running dossiers by their bytes: small ones fill a share a large one would exceed', () => {
    const queue = new FairValidationQueue<string>({ ...LIMITS, slots: 4, runningPerTenant: 3 });
    queue.enqueue('a', 19 * MB, 'large1');
    queue.enqueue('a', 19 * MB, 'large2');
    expect(startAll(queue)).toEqual(['large1']); // 38 MB would exceed the 24 MB running share
    const small = new FairValidationQueue<string>({ ...LIMITS, slots: 4, runningPerTenant: 3 });
    for (const job of ['s1', 's2', 's3', 's4']) small.enqueue('a', 1 * MB, job);
    expect(startAll(small)).toEqual(['s1', 's2', 's3']); // the count limit binds
  });

  it('always lets a tenant with nothing running start one dossier, however large', () => {
    const queue = new FairValidationQueue<string>({ ...LIMITS, runningBytesPerTenant: 1 * MB });
    queue.enqueue('a', 20 * MB, 'huge');
    expect(startAll(queue)).toEqual(['huge']);
  });

  it('refuses a tenant whose line is full (count or bytes), and everyone when all lines are', () => {
    const queue = new FairValidationQueue<string>({ ...LIMITS, waitingTotal: 5 });
    for (const job of ['a1', 'a2', 'a3']) expect(queue.enqueue('a', 1000, job)).toBeNull();
    expect(queue.enqueue('a', 1000, 'a4')).toBe('tenant_queue_full');
    // One large dossier may always wait; the second may not push the line past its bytes.
    expect(queue.enqueue('b', 30 * MB, 'b1')).toBeNull();
    expect(queue.enqueue('b', 19 * MB, 'b2')).toBe('tenant_queue_full');
    expect(queue.enqueue('c', 1000, 'c1')).toBeNull();
    expect(queue.enqueue('d', 1000, 'd1')).toBe('queue_full');
    expect(queue.load('a')).toEqual({ waiting: 3, running: 0 });
    expect(queue.load('d')).toEqual({ waiting: 0, running: 0 });
  });

  it('makes room in a line as its dossiers start', () => {
    const queue = new FairValidationQueue<string>(LIMITS);
    for (const job of ['a1', 'a2', 'a3']) queue.enqueue('a', 1000, job);
    expect(queue.enqueue('a', 1000, 'a4')).toBe('tenant_queue_full');
    expect(startAll(queue)).toEqual(['a1']);
    expect(queue.enqueue('a', 1000, 'a4')).toBeNull();
    expect(queue.enqueue('a', 1000, 'a5')).toBe('tenant_queue_full');
    expect(startAll(queue)).toEqual([]); // a's one running share is taken
    queue.finished('a', 1000);
    expect(startAll(queue)).toEqual(['a2']);
  });

  it('withdraws a waiting job, and forgets tenants with nothing left', () => {
    const queue = new FairValidationQueue<string>(LIMITS);
    queue.enqueue('a', 1000, 'a1');
    queue.enqueue('a', 1000, 'a2');
    expect(queue.withdraw('a', 'a2')).toBe(true);
    expect(queue.withdraw('a', 'a2')).toBe(false);
    expect(startAll(queue)).toEqual(['a1']);
    queue.finished('a', 1000);
    expect(queue.load()).toEqual({ waiting: 0, running: 0 });
    expect(() => queue.finished('a', 1000)).toThrow('no running validation for tenant a');
  });

  it('gives one tenant at most threads − 1 by default, and one on a single thread', () => {
    expect([1, 2, 3, 4].map(runningPerTenantFor)).toEqual([1, 1, 2, 3]);
  });
});
