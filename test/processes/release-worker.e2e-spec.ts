import { workerHeartbeatKey } from '@app/queues';
import { Redis } from 'ioredis';
import { BuiltProcess, listeningPortsOf } from '../support/built-process';

describe('release-worker process', () => {
  const prefix = `${process.env.REDIS_PREFIX}-worker`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL as string);
  });
  afterAll(() => redis.quit());

  it('boots without an HTTP listener, takes jobs from its queue, and exits 0 on SIGTERM', async () => {
    const worker = new BuiltProcess('release-worker', [], { REDIS_PREFIX: prefix });
    try {
      await worker.waitForLine(/connected to its queues/);
      // The heartbeat job is scheduled at start; its result in Redis proves a job went through BullMQ.
      let heartbeat: string | null = null;
      for (let attempt = 0; attempt < 50 && !heartbeat; attempt++) {
        heartbeat = await redis.get(workerHeartbeatKey(prefix));
        if (!heartbeat) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(JSON.parse(heartbeat as string)).toMatchObject({ pid: worker.pid });
      expect(await redis.keys(`${prefix}:broker-heartbeat:*`)).not.toHaveLength(0);
      expect(listeningPortsOf(worker.pid)).toEqual([]);
    } finally {
      const exit = await worker.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(worker.stdout).toContain('release-worker: stopped cleanly');
    }
  });

  it('stops with one clear line when Redis is unreachable', async () => {
    const worker = new BuiltProcess('release-worker', [], {
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_STARTUP_TIMEOUT_SECONDS: '1',
    });
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    const errors = worker.stderr.filter(Boolean);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^release-worker: Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*set REDIS_URL$/,
    );
  });
});
