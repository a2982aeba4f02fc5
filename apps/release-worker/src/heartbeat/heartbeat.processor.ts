import {
  REDIS_CLIENT,
  REDIS_CONFIG,
  RedisConfig,
  WorkerHeartbeat,
  workerHeartbeatKey,
  BROKER_HEARTBEAT_QUEUE,
} from '@app/queues';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { RELEASE_WORKER_INSTANCE } from './worker-instance';

/**
 * Records that a worker takes jobs from its queues; the broker's health check reads the record. The BullMQ
 * worker carries this process's instance name, so each living worker process is one named Redis connection
 * on this queue: the health check counts those against RELEASE_WORKERS (a beat job goes to one worker only).
 */
@Processor(BROKER_HEARTBEAT_QUEUE, { name: RELEASE_WORKER_INSTANCE })
export class HeartbeatProcessor extends WorkerHost {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_CONFIG) private readonly redisConfig: RedisConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<WorkerHeartbeat> {
    const heartbeat: WorkerHeartbeat = {
      at: new Date().toISOString(),
      pid: process.pid,
      host: hostname(),
      instance: RELEASE_WORKER_INSTANCE,
    };
    // Expires on its own: a dead worker leaves no fresh heartbeat behind.
    await this.redis.set(workerHeartbeatKey(this.redisConfig.prefix), JSON.stringify(heartbeat), 'EX', 300);
    void job;
    return heartbeat;
  }
}
