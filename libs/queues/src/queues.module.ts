import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { bullConnectionOptions } from './redis-connection';
import { RedisConfig } from './redis.config';

export const REDIS_CONFIG = Symbol('REDIS_CONFIG');
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** BullMQ on Redis, with the broker's key prefix, plus one plain client for health and small state. */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(config: RedisConfig): DynamicModule {
    return {
      module: QueuesModule,
      imports: [BullModule.forRoot({ connection: bullConnectionOptions(config), prefix: config.prefix })],
      providers: [
        { provide: REDIS_CONFIG, useValue: config },
        {
          provide: REDIS_CLIENT,
          useFactory: () => {
            const client = new Redis(config.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
            // Connection errors are reported by the health check; ioredis keeps reconnecting meanwhile.
            client.on('error', () => undefined);
            return client;
          },
        },
        {
          provide: 'REDIS_CLIENT_CLOSER',
          inject: [REDIS_CLIENT],
          // disconnect, not quit: quit waits for a Redis that may already be gone, and this client holds
          // nothing that must be flushed (PostgreSQL is the source of truth).
          useFactory: (client: Redis) => ({ onModuleDestroy: () => client.disconnect() }),
        },
      ],
      exports: [REDIS_CONFIG, REDIS_CLIENT, BullModule],
    };
  }
}
