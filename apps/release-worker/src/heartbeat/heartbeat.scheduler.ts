import { BROKER_HEARTBEAT_QUEUE, HEARTBEAT_EVERY_MS } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';

/** Keeps one repeating heartbeat job scheduled; upserting is idempotent across restarts and replicas. */
@Injectable()
export class HeartbeatScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(BROKER_HEARTBEAT_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'release-worker-heartbeat',
      { every: HEARTBEAT_EVERY_MS },
      { name: 'heartbeat', opts: { removeOnComplete: 10, removeOnFail: 10 } },
    );
  }
}
