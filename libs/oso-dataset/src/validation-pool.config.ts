import { ConfigError, Environment, readConfig, setting } from '@app/config';
import { availableParallelism } from 'node:os';
import { runningPerTenantFor } from './fair-validation-queue';

const MIB = 1024 * 1024;

/** How many validation threads there are, how they are shared, and what one thread may use. */
export interface ValidationPoolSettings {
  threads: number;
  /** A vendor's validations running at once (default: threads − 1, at least 1). */
  runningPerTenant: number;
  /** A vendor's dossier bytes running at once (one dossier may always run). */
  runningBytesPerTenant: number;
  /** A vendor's dossiers waiting for a thread; one more is answered 503. */
  waitingPerTenant: number;
  /** A vendor's dossier bytes waiting for a thread (one dossier may always wait). */
  waitingBytesPerTenant: number;
  /** Dossiers of all vendors waiting together. */
  waitingTotal: number;
  /** Old-generation heap of one validation thread: the heaviest dossier the shape limits allow needs 32–48 MB. */
  workerHeapMb: number;
  /** Young-generation heap of one validation thread. */
  workerYoungHeapMb: number;
  /** A thread with nothing to do ends after this long, and gives its memory back. */
  idleSeconds: number;
}

/** A 20 MB dossier (the API's largest) may run, and a second one wait, per vendor. */
const DEFAULTS = {
  threads: 2,
  runningBytesPerTenant: 24 * MIB,
  waitingPerTenant: 4,
  waitingBytesPerTenant: 48 * MIB,
  waitingTotal: 64,
  workerHeapMb: 512,
  workerYoungHeapMb: 64,
  idleSeconds: 10,
};

/** The settings with every gap filled: defaults, and a per-vendor share that follows the threads. */
export function validationPoolSettings(given: Partial<ValidationPoolSettings> = {}): ValidationPoolSettings {
  const threads = given.threads ?? DEFAULTS.threads;
  return { ...DEFAULTS, runningPerTenant: runningPerTenantFor(threads), ...given, threads };
}

/**
 * Threads per broker-api process when none are set: the cores shared out over the processes, so that
 * every process's pool together uses each core once (more threads than cores only switch between
 * dossiers). `BROKER_API_PROCESSES` is how many processes broker-api's cluster primary started; it sets
 * it in each process's environment (absent: one process).
 */
export function defaultValidationThreads(cores: number, processes: number): number {
  return Math.max(1, Math.floor(cores / processes));
}

/** `cores` is the machine's (availableParallelism) unless given: the function stays pure for tests. */
export function readValidationPoolSettings(
  env?: Environment,
  cores: number = availableParallelism(),
): ValidationPoolSettings {
  const { BROKER_API_PROCESSES: processes } = readConfig(
    { BROKER_API_PROCESSES: setting.positiveInt(1) },
    env,
  );
  const raw = readConfig(
    {
      VALIDATION_THREADS: setting.positiveInt(defaultValidationThreads(cores, processes)),
      VALIDATION_RUNNING_PER_VENDOR: setting.positiveInt(1).optional(), // unset: threads − 1
      VALIDATION_RUNNING_MB_PER_VENDOR: setting.positiveInt(DEFAULTS.runningBytesPerTenant / MIB),
      VALIDATION_WAITING_PER_VENDOR: setting.positiveInt(DEFAULTS.waitingPerTenant),
      VALIDATION_WAITING_MB_PER_VENDOR: setting.positiveInt(DEFAULTS.waitingBytesPerTenant / MIB),
      VALIDATION_WAITING_TOTAL: setting.positiveInt(DEFAULTS.waitingTotal),
      VALIDATION_WORKER_HEAP_MB: setting.positiveInt(DEFAULTS.workerHeapMb),
      VALIDATION_IDLE_SECONDS: setting.positiveInt(DEFAULTS.idleSeconds),
    },
    env,
  );
  const running = raw.VALIDATION_RUNNING_PER_VENDOR;
  if (running !== undefined && running > raw.VALIDATION_THREADS) {
    throw new ConfigError(
      'VALIDATION_RUNNING_PER_VENDOR',
      `must be at most VALIDATION_THREADS (${raw.VALIDATION_THREADS}) (got "${running}")`,
    );
  }
  return validationPoolSettings({
    threads: raw.VALIDATION_THREADS,
    ...(running !== undefined ? { runningPerTenant: running } : {}),
    runningBytesPerTenant: raw.VALIDATION_RUNNING_MB_PER_VENDOR * MIB,
    waitingPerTenant: raw.VALIDATION_WAITING_PER_VENDOR,
    waitingBytesPerTenant: raw.VALIDATION_WAITING_MB_PER_VENDOR * MIB,
    waitingTotal: raw.VALIDATION_WAITING_TOTAL,
    workerHeapMb: raw.VALIDATION_WORKER_HEAP_MB,
    idleSeconds: raw.VALIDATION_IDLE_SECONDS,
  });
}
