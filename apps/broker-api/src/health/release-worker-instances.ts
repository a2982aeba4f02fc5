import { BROKER_HEARTBEAT_QUEUE, namedWorkerClientPrefix } from '@app/queues';
import { Redis } from 'ioredis';

/**
 * The release-worker processes alive on this Redis, by instance name: each one's heartbeat-queue worker
 * is a named connection (BullMQ), gone the moment its process dies, so a killed worker drops out at once
 * rather than after a heartbeat's staleness window. null when Redis does not allow CLIENT LIST (some
 * managed Redis): the count is then unknown rather than zero.
 */
export async function liveReleaseWorkerInstances(redis: Redis, prefix: string): Promise<string[] | null> {
  const namePrefix = namedWorkerClientPrefix(prefix, BROKER_HEARTBEAT_QUEUE);
  let clients: string;
  try {
    clients = String(await redis.client('LIST'));
  } catch {
    return null;
  }
  const instances = new Set<string>();
  for (const line of clients.split('\n')) {
    const name = / name=(\S*)/.exec(` ${line}`)?.[1];
    if (name?.startsWith(namePrefix)) instances.add(name.slice(namePrefix.length));
  }
  return [...instances];
}
