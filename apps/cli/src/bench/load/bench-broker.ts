/**
 * A broker started for a benchmark (#13): its own database and Redis prefix, a registry of several vendors
 * and schools with mandates and client certificates from the broker's CA, broker-api (one or more
 * processes) and release-worker started from `dist` as child processes, their RSS sampled while it runs.
 * `npm run bench` and `npm run bench:season` both start their broker here.
 *
 * CONTRACT (fixed; implemented by the load-harness work of #13). Additions are optional fields only;
 * what `startBenchBroker` answers beyond the contract is in `StartedBenchBroker` (bench-broker-process.ts).
 */
import { type StartedBenchBroker, launchBenchBroker } from './bench-broker-process';

export type { StartedBenchBroker } from './bench-broker-process';

export type Sector = 'PO' | 'VO';

export interface BenchSchool {
  /** BRIN + vestiging, as the registry knows it (e.g. `10AB00`). */
  code: string;
  sector: Sector;
  bevoegdGezag: string;
}

export interface BenchVendor {
  id: string;
  /** The schools that mandated this vendor. */
  schools: BenchSchool[];
  certificatePem: string;
  keyPem: string;
}

export interface BenchAuditor {
  name: string;
  /** Supervisory (sees every school). */
  certificatePem: string;
  keyPem: string;
}

export interface BenchBrokerOptions {
  /** Vendors, each mandated by `schoolsPerVendor` schools (a mix of PO and VO). */
  vendors: number;
  schoolsPerVendor: number;
  /** broker-api processes sharing the port (default: the broker's own default). */
  apiProcesses?: number;
  /** Extra environment for broker-api and release-worker (e.g. pool sizes). */
  env?: Record<string, string>;
  /** Receives progress lines ("starting broker-api", …). */
  log?: (line: string) => void;
  /** The built broker to run (default: this checkout's `dist`); e.g. an older commit's, for "before" numbers. */
  distDir?: string;
  /** Keep the work directory (PKI, process logs) after `stop()`, to read the logs. */
  keepWorkDir?: boolean;
  /** Write a V8 CPU profile of every broker process (cluster workers too) into this directory. */
  cpuProfileDir?: string;
  /**
   * The DATABASE_URL the broker processes get, from the benchmark database's own (the harness keeps using
   * the direct one): a fault test routes them through a TCP proxy it controls.
   */
  databaseUrlForProcesses?: (databaseUrl: string) => string;
  /** release-worker processes (default 1); the first is `release-worker`, the others `release-worker@2`, … (#14). */
  releaseWorkers?: number;
  /** Start a release-worker again when it exits on its own (a crash, SIGKILL), after a short backoff (#14). */
  restartReleaseWorkers?: boolean;
}

export interface ProcessMemory {
  /** `broker-api#1`, `release-worker`, … */
  name: string;
  pid: number;
  peakRssBytes: number;
}

export interface BenchBroker {
  /** `https://127.0.0.1:PORT` */
  baseUrl: string;
  /** The broker's CA (to trust) and its server certificate (to verify signed answers). */
  caPem: string;
  brokerCertificatePem: string;
  vendors: BenchVendor[];
  auditor: BenchAuditor;
  /** Connection string of the benchmark's database (to count from the exchange log afterwards). */
  databaseUrl: string;
  /** The PostgreSQL schema the broker's tables live in. */
  schema: string;
  /** Peak RSS of every process of the broker so far (sampled while running, and at the end). */
  memory(): ProcessMemory[];
  /** Stops the processes, drops the database and the Redis keys. */
  stop(): Promise<void>;
}

export async function startBenchBroker(options: BenchBrokerOptions): Promise<StartedBenchBroker> {
  return launchBenchBroker(options);
}
