import { percentile } from '@app/exchange-log/bench/bench-statistics';
import type { ProcessMemory } from './bench-broker';
import type { ValidationBaselines } from './bench-baselines';
import type { ScenarioResult } from './k6-runner';
import { CPU_GROUPS, type CpuGroup, type CpuSpent, cpuCeilingPerSecond, msPerOperation } from './process-cpu';

/** The issue's targets (#13) on a 2-core machine, driver included. */
export const TARGETS = {
  stagingPerSecond: 300,
  stagingConcurrency: 16,
  stagingP99Ms: 150,
  stagingToValidationRatio: 0.25,
  noopPerSecond: 1500,
  samePupilWithinMs: 2000,
  releaseP99Ms: 500,
  peakRssBytes: 512 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

export interface ScenarioRow {
  scenario: string;
  vus: number;
  iterations: number;
  iterationsPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  maxMs: number;
  failedChecks: number;
  passedChecks: number;
  iterationErrors: number;
  /** `503 DATABASE_BUSY: 3`, … */
  nonSuccess: Map<string, number>;
  statuses: Map<number, number>;
  customTrends: Map<string, number[]>;
  driverCores: number;
  /** Allowed release → the receiver's webhook called, for releases this scenario allowed (ms). */
  releaseWebhookMs?: number[];
  releasesNotHeard?: number;
  /** CPU of every process doing the scenario's work, from its start until its releases settled. */
  cpu?: CpuSpent;
}

export function rowOf(result: ScenarioResult): ScenarioRow {
  const durations = result.sink.requests.map((sample) => sample.durationMs);
  const nonSuccess = new Map<string, number>();
  const statuses = new Map<number, number>();
  for (const sample of result.sink.requests) {
    statuses.set(sample.status, (statuses.get(sample.status) ?? 0) + 1);
    if (sample.status >= 200 && sample.status < 300) continue;
    const key = `${sample.status}${sample.code ? ` ${sample.code}` : ''}`;
    nonSuccess.set(key, (nonSuccess.get(key) ?? 0) + 1);
  }
  let failedChecks = 0;
  let passedChecks = 0;
  for (const counts of result.sink.checks.values()) {
    failedChecks += counts.fails;
    passedChecks += counts.passes;
  }
  const pick = (p: number) => (durations.length ? percentile(durations, p) : Number.NaN);
  const customTrends = new Map<string, number[]>();
  for (const [name, metric] of result.sink.metrics)
    if (metric.kind === 'trend') customTrends.set(name, metric.values);
  return {
    scenario: result.scenario,
    vus: result.vus,
    iterations: result.iterations,
    iterationsPerSecond: result.iterations / result.elapsedSeconds,
    requestsPerSecond: result.sink.requests.length / result.elapsedSeconds,
    p50: pick(50),
    p95: pick(95),
    p99: pick(99),
    maxMs: durations.length ? Math.max(...durations) : Number.NaN,
    failedChecks,
    passedChecks,
    iterationErrors: result.iterationErrors,
    nonSuccess,
    statuses,
    customTrends,
    driverCores: result.driverCpuSeconds / result.elapsedSeconds,
  };
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)}` : '–');
const rate = (value: number) => value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

export interface Report {
  rows: ScenarioRow[];
  baselines: ValidationBaselines;
  memory: ProcessMemory[];
  driverPeakRssBytes: number;
  rateLimitPerMinute: number;
  notes: string[];
  /** The machine's cores (the CPU ceiling's numerator). */
  cores: number;
}

export function formatReport(report: Report): string {
  const out: string[] = [];
  out.push(
    table(
      [
        'scenario',
        'VUs',
        'iterations',
        'iter/s',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'checks failed',
        'non-2xx (status code: count)',
        'driver CPU',
      ],
      report.rows.map((row) => [
        row.scenario,
        String(row.vus),
        String(row.iterations),
        rate(row.iterationsPerSecond),
        rate(row.requestsPerSecond),
        ms(row.p50),
        ms(row.p95),
        ms(row.p99),
        ms(row.maxMs),
        `${row.failedChecks}/${row.failedChecks + row.passedChecks}${row.iterationErrors ? ` (+${row.iterationErrors} errors)` : ''}`,
        [...row.nonSuccess].map(([key, count]) => `${key}: ${count}`).join(', ') || '–',
        `${row.driverCores.toFixed(2)} cores`,
      ]),
    ),
  );
  out.push('(p50/p95/p99: every request of the scenario, signed and over mutual TLS, as the driver saw it)');
  const measured = report.rows.filter((row) => row.cpu);
  if (measured.length > 0) {
    out.push(
      '',
      cpuTable(
        'scenario',
        'iteration',
        measured.map((row) => ({
          label: row.scenario,
          operations: row.iterations,
          perSecond: row.iterationsPerSecond,
          cpu: row.cpu!,
        })),
        report.cores,
      ),
    );
  }

  const pct = (values: number[], p: number) => (values.length ? ms(percentile(values, p)) : '–');
  const releaseRows = report.rows.filter(
    (row) => (row.releaseWebhookMs?.length ?? 0) > 0 || row.customTrends.has('release_seen_ms'),
  );
  if (releaseRows.length > 0) {
    out.push(
      '',
      table(
        ['release latency: evidence allowing release →', 'scenario', 'n', 'p50 ms', 'p99 ms', 'not heard'],
        releaseRows.flatMap((row) => {
          const seen = row.customTrends.get('release_seen_ms') ?? [];
          const hook = row.releaseWebhookMs ?? [];
          return [
            [
              '→ released, seen polling every 50 ms',
              row.scenario,
              String(seen.length),
              pct(seen, 50),
              pct(seen, 99),
              '',
            ],
            [
              '→ released → webhook delivered',
              row.scenario,
              String(hook.length),
              pct(hook, 50),
              pct(hook, 99),
              String(row.releasesNotHeard ?? 0),
            ],
          ];
        }),
      ),
    );
  }
  out.push(
    '',
    table(
      ['process', 'pid', 'peak RSS MiB'],
      [
        ...report.memory.map((entry) => [
          entry.name,
          String(entry.pid),
          (entry.peakRssBytes / MIB).toFixed(0),
        ]),
        ['driver (this process)', String(process.pid), (report.driverPeakRssBytes / MIB).toFixed(0)],
      ],
    ),
  );

  const { baselines } = report;
  out.push(
    '',
    `validation baselines (same dossier as staging, median of ${baselines.rounds} rounds, broker idle): ` +
      `native libxml2 (xmllint, schema only) ${baselines.nativePerSecond === null ? 'n/a (install libxml2-utils)' : `${rate(baselines.nativePerSecond)}/s`}, ` +
      `in-process strict validation (one core) ${rate(baselines.inProcessPerSecond)}/s` +
      (baselines.nativePerSecond === null
        ? ''
        : ` (${(baselines.inProcessPerSecond / baselines.nativePerSecond).toFixed(2)} × native)`),
  );

  const find = (name: string) => report.rows.find((row) => row.scenario === name);
  const targets: string[][] = [];
  const staging = find('staging');
  if (staging) {
    const ratio = staging.iterationsPerSecond / baselines.inProcessPerSecond;
    targets.push(
      [
        `staging rate at ${staging.vus} VUs (target at ${TARGETS.stagingConcurrency})`,
        `${rate(staging.iterationsPerSecond)}/s`,
        `≥ ${TARGETS.stagingPerSecond}/s`,
        verdict(staging.iterationsPerSecond >= TARGETS.stagingPerSecond && staging.failedChecks === 0),
      ],
      [
        'staging ÷ in-process validation',
        ratio.toFixed(3),
        `≥ ${TARGETS.stagingToValidationRatio}`,
        verdict(ratio >= TARGETS.stagingToValidationRatio),
      ],
      ...(baselines.nativePerSecond === null
        ? []
        : [
            [
              'staging ÷ native libxml2 validation',
              (staging.iterationsPerSecond / baselines.nativePerSecond).toFixed(3),
              '(for comparison)',
              '',
            ],
          ]),
      [
        'staging p99',
        `${ms(staging.p99)} ms`,
        `≤ ${TARGETS.stagingP99Ms} ms`,
        verdict(staging.p99 <= TARGETS.stagingP99Ms),
      ],
    );
  }
  const noop = find('whoami');
  if (noop) {
    targets.push(
      [
        `signed no-op at ${noop.vus} VUs`,
        `${rate(noop.iterationsPerSecond)}/s`,
        `≥ ${TARGETS.noopPerSecond}/s`,
        verdict(noop.iterationsPerSecond >= TARGETS.noopPerSecond),
      ],
      [
        'signed no-op ÷ in-process validation',
        (noop.iterationsPerSecond / baselines.inProcessPerSecond).toFixed(2),
        '(for comparison)',
        '',
      ],
    );
  }
  const same = find('staging-same-pupil');
  if (same) {
    const fives = [...same.statuses]
      .filter(([status]) => status >= 500 && status !== 503)
      .reduce((sum, [, n]) => sum + n, 0);
    const answered = [...same.statuses].reduce((sum, [, n]) => sum + n, 0);
    targets.push([
      `${answered} uploads, same pupil at once`,
      `${[...same.statuses].map(([status, n]) => `${status}×${n}`).join(' ')}; slowest ${ms(same.maxMs)} ms`,
      `201/409/503 only, none 500, all ≤ ${TARGETS.samePupilWithinMs} ms`,
      verdict(fives === 0 && same.failedChecks === 0 && same.maxMs <= TARGETS.samePupilWithinMs),
    ]);
  }
  const underLoad = find('release-under-load');
  const hook = underLoad?.releaseWebhookMs ?? [];
  if (underLoad && hook.length > 0) {
    const p99 = percentile(hook, 99);
    targets.push([
      `release latency p99 (→ webhook) while ${underLoad.vus} VUs stage at ${rate(underLoad.iterationsPerSecond)}/s`,
      `${ms(p99)} ms`,
      `≤ ${TARGETS.releaseP99Ms} ms at the staging target load`,
      verdict(p99 <= TARGETS.releaseP99Ms && underLoad.iterationsPerSecond >= TARGETS.stagingPerSecond),
    ]);
  }
  const peak = Math.max(...report.memory.map((entry) => entry.peakRssBytes));
  targets.push([
    'peak RSS of any broker process',
    `${(peak / MIB).toFixed(0)} MiB`,
    `≤ ${TARGETS.peakRssBytes / MIB} MiB`,
    verdict(peak <= TARGETS.peakRssBytes),
  ]);
  out.push('', table(['target (#13)', 'measured', 'target', ''], targets));
  out.push(
    '',
    `API_RATE_LIMIT_PER_MINUTE=${report.rateLimitPerMinute}: the per-vendor rate limit is raised, benchmarks are not rate-limit tests.`,
    ...report.notes,
  );
  return out.join('\n');
}

const cpuMs = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 1 ? 2 : 1) : '–');
const ratePerSecond = (value: number) => (Number.isFinite(value) ? rate(value) : '–');

const CPU_COLUMN: Record<CpuGroup, string> = {
  'broker-api': 'broker-api',
  'release-worker': 'release-worker',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  driver: 'driver',
};

export interface CpuRow {
  label: string;
  operations: number;
  /** The wall rate measured in the same span, for comparison with the ceiling. */
  perSecond: number;
  cpu: CpuSpent;
}

/**
 * CPU ms per operation of each process group, the total, and the rate the machine's cores could carry
 * alone at that cost (cores × 1000 ÷ total ms), beside the rate measured on the shared machine.
 */
export function cpuTable(what: string, operation: string, rows: CpuRow[], cores: number): string {
  const lines = rows.map((row) => {
    const perOperation = CPU_GROUPS.map((group) =>
      row.cpu.unseen.includes(group)
        ? Number.NaN
        : msPerOperation(row.cpu.seconds.get(group) ?? 0, row.operations),
    );
    const total = perOperation.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
    return [
      row.label,
      String(row.operations),
      ...perOperation.map(cpuMs),
      cpuMs(total),
      ratePerSecond(cpuCeilingPerSecond(cores, total)),
      ratePerSecond(row.perSecond),
    ];
  });
  return [
    table(
      [
        `CPU ms per ${operation}: ${what}`,
        `${operation}s`,
        ...CPU_GROUPS.map((group) => CPU_COLUMN[group]),
        'total',
        `ceiling/s on ${cores} cores`,
        'measured/s',
      ],
      lines,
    ),
    '(user + system from /proc/<pid>/stat; broker-api: primary + cluster workers with their threads; PostgreSQL: the ' +
      "backends of the bench's database, not the postmaster/WAL writer/checkpointer; Redis: the whole server, " +
      'shared with anything else using it; ceiling = cores × 1000 ÷ total)',
  ].join('\n');
}
