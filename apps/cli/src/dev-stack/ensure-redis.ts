import { describeRedisUrl, pingRedis } from '@app/queues';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { StartedService, isLocalHost } from './local-host';

function answers(url: string): Promise<boolean> {
  return pingRedis(url).then(
    () => true,
    () => false,
  );
}

function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure Redis answers at REDIS_URL. When nothing listens there and the URL is local, `redis-server`
 * from PATH is started on that port with append-only persistence under `dataDir`.
 */
export async function ensureRedis(
  redisUrl: string,
  dataDir: string,
  log: (line: string) => void,
): Promise<StartedService | null> {
  if (await answers(redisUrl)) return null;
  const url = new URL(redisUrl);
  const where = describeRedisUrl(redisUrl);
  if (!isLocalHost(url.hostname))
    throw new Error(`Redis is not reachable at ${where}; start it or set REDIS_URL`);
  if (!redisServerOnPath()) {
    throw new Error(
      `Redis is not reachable at ${where} and redis-server is not installed; ` +
        'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
  log(`Redis is not reachable at ${where}; starting redis-server with its data in ${dataDir}`);
  mkdirSync(dataDir, { recursive: true });
  const port = url.port || '6379';
  const child = spawn(
    'redis-server',
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    // Its own process group: Ctrl+C in the terminal must not stop Redis before the broker has stopped.
    { stdio: 'ignore', detached: true },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answers(redisUrl))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port} (is the port taken by something else?)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`redis-server runs on 127.0.0.1:${port}`);
  return {
    description: 'redis-server',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
