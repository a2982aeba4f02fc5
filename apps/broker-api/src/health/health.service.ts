import { crlNextUpdate } from '@app/pki';
import { REDIS_CLIENT, REDIS_CONFIG, RedisConfig, WorkerHeartbeat, workerHeartbeatKey } from '@app/queues';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { BROKER_API_CONFIG } from '../broker-api.tokens';
import type { BrokerApiConfig } from '../broker-api.config';
import { ServingProcesses, servingProcesses } from '../processes/serving-processes';
import { liveReleaseWorkerInstances } from './release-worker-instances';

export type ComponentStatus = 'up' | 'down';

export interface HealthReport {
  /** `ok`: all fine; `degraded`: serving, but something needs an operator soon; `down`: cannot serve. */
  status: 'ok' | 'degraded' | 'down';
  database: { status: ComponentStatus; latencyMs?: number; error?: string };
  redis: { status: ComponentStatus; latencyMs?: number; error?: string };
  /**
   * `status`: the last heartbeat job (some worker takes jobs); `alive`: worker processes connected, of the
   * `expected` RELEASE_WORKERS (absent when Redis cannot tell); fewer alive → `degraded`.
   */
  releaseWorker: {
    status: 'alive' | 'stale' | 'unknown';
    lastHeartbeat?: string;
    expected: number;
    alive?: number;
  };
  /** broker-api processes serving, of those configured (BROKER_API_PROCESSES); fewer → `degraded`. */
  apiProcesses: ServingProcesses;
  crl: { status: 'fresh' | 'expiring' | 'expired' | 'not-configured'; nextUpdate?: string };
}

const CHECK_TIMEOUT_MS = 2000;
const WORKER_STALE_MS = 60_000;
const CRL_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

/** What an operator needs to know about the broker's dependencies, without any personal data. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_CONFIG) private readonly redisConfig: RedisConfig,
    @Inject(BROKER_API_CONFIG) private readonly config: BrokerApiConfig,
  ) {}

  async check(now: Date = new Date()): Promise<HealthReport> {
    const [database, redis] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1')),
      timed(() => this.redis.ping()),
    ]);
    const releaseWorker =
      redis.status === 'up'
        ? await this.releaseWorker(now)
        : { status: 'unknown' as const, expected: this.config.releaseWorkers };
    const crl = this.crl(now);
    const apiProcesses = servingProcesses();
    const down = database.status === 'down' || redis.status === 'down' || crl.status === 'expired';
    const degraded =
      releaseWorker.status !== 'alive' ||
      (releaseWorker.alive !== undefined && releaseWorker.alive < releaseWorker.expected) ||
      apiProcesses.serving < apiProcesses.configured ||
      crl.status === 'expiring';
    return {
      status: down ? 'down' : degraded ? 'degraded' : 'ok',
      database,
      redis,
      releaseWorker,
      apiProcesses: { ...apiProcesses },
      crl,
    };
  }

  private async releaseWorker(now: Date): Promise<HealthReport['releaseWorker']> {
    const [raw, instances] = await Promise.all([
      this.redis.get(workerHeartbeatKey(this.redisConfig.prefix)).catch(() => null),
      liveReleaseWorkerInstances(this.redis, this.redisConfig.prefix),
    ]);
    const counts = {
      expected: this.config.releaseWorkers,
      ...(instances ? { alive: instances.length } : {}),
    };
    if (!raw) return { status: 'unknown', ...counts };
    const heartbeat = JSON.parse(raw) as WorkerHeartbeat;
    const age = now.getTime() - new Date(heartbeat.at).getTime();
    return { status: age <= WORKER_STALE_MS ? 'alive' : 'stale', lastHeartbeat: heartbeat.at, ...counts };
  }

  private crl(now: Date): HealthReport['crl'] {
    if (!this.config.tls.crlFile) return { status: 'not-configured' };
    try {
      const nextUpdate = crlNextUpdate(readFileSync(this.config.tls.crlFile, 'utf8'));
      if (!nextUpdate) return { status: 'fresh' };
      const left = nextUpdate.getTime() - now.getTime();
      const status = left <= 0 ? 'expired' : left < CRL_WARNING_MS ? 'expiring' : 'fresh';
      return { status, nextUpdate: nextUpdate.toISOString() };
    } catch {
      return { status: 'expired' };
    }
  }
}

async function timed(
  check: () => Promise<unknown>,
): Promise<{ status: ComponentStatus; latencyMs?: number; error?: string }> {
  const started = Date.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
    ]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}
