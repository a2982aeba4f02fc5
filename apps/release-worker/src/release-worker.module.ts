import { BROKER_HEARTBEAT_QUEUE, QueuesModule, RedisConfig } from '@app/queues';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { HeartbeatProcessor } from './heartbeat/heartbeat.processor';
import { HeartbeatScheduler } from './heartbeat/heartbeat.scheduler';

/** The queue processors. No HTTP listener: the worker is reached only through its queues. */
@Module({})
export class ReleaseWorkerModule {
  static forRoot(config: { redis: RedisConfig }): DynamicModule {
    return {
      module: ReleaseWorkerModule,
      imports: [
        QueuesModule.forRoot(config.redis),
        BullModule.registerQueue({ name: BROKER_HEARTBEAT_QUEUE }),
      ],
      providers: [HeartbeatProcessor, HeartbeatScheduler],
    };
  }
}
