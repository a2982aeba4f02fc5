import { basename } from 'node:path';
import { RunStoppedError, type TlsAuth, closeHttp, configureHttp } from './k6-shim/http';
import { loopbackAddressOf } from './k6-shim/loopback';
import { type RunSink, newSink, setSink } from './k6-shim/sink';
import { type LoadedVu, compileScenario, loadVu } from './scenario-loader';

/**
 * Runs one k6 scenario file in this process: its `options` (vus, duration, iterations, or the first of
 * `options.scenarios` with a shared-iterations, per-vu-iterations or constant-vus executor), `setup()`,
 * the default function in every VU until the time or the iterations are used up, `teardown()`. Bounded
 * in time AND requests. Refuses any target that is not loopback before the first request.
 */
export interface RunLimits {
  /** Overrides the scenario's VUs. */
  vus?: number;
  /** Overrides (caps) the scenario's duration. */
  seconds?: number;
  /** No request is started after this many (in the measured phase). */
  maxRequests?: number;
  /** How long iterations in flight may finish after the time is up (k6's gracefulStop). */
  gracefulStopSeconds?: number;
  env: Record<string, string>;
  /** CA certificates to trust for the broker (k6 uses the system store; SSL_CERT_FILE). */
  caPem?: string;
  /** Sees every answer of the measured phase. */
  onResponse?: RunSink['onResponse'];
}

export interface ScenarioResult {
  scenario: string;
  vus: number;
  elapsedSeconds: number;
  iterations: number;
  /** Iterations that threw (first messages; the count is `iterationErrors`). */
  iterationErrors: number;
  errorMessages: string[];
  sink: RunSink;
  /** CPU time this process (the driver) used in the measured phase, in seconds. */
  driverCpuSeconds: number;
}

interface ScenarioOptions {
  vus?: number;
  duration?: string;
  iterations?: number;
  tlsAuth?: TlsAuth[];
  hosts?: Record<string, string>;
  scenarios?: Record<
    string,
    { executor: string; vus?: number; iterations?: number; duration?: string; maxDuration?: string }
  >;
}

const DEFAULT_MAX_REQUESTS = 1_000_000;
const DEFAULT_GRACEFUL_STOP_SECONDS = 10;
const MAX_ERROR_MESSAGES = 5;

export function parseDuration(value: string | undefined, fallbackSeconds: number): number {
  if (value === undefined) return fallbackSeconds;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a k6 duration (e.g. 30s, 2m)`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

interface Plan {
  vus: number;
  seconds: number;
  /** Shared by all VUs; undefined: until the time is up. */
  sharedIterations?: number;
  perVuIterations?: number;
}

function planOf(options: ScenarioOptions, limits: RunLimits): Plan {
  const first = options.scenarios ? Object.values(options.scenarios)[0] : undefined;
  let plan: Plan;
  if (first) {
    const seconds = parseDuration(first.maxDuration ?? first.duration, 600);
    if (first.executor === 'shared-iterations') {
      plan = { vus: first.vus ?? 1, seconds, sharedIterations: first.iterations ?? 1 };
    } else if (first.executor === 'per-vu-iterations') {
      plan = { vus: first.vus ?? 1, seconds, perVuIterations: first.iterations ?? 1 };
    } else if (first.executor === 'constant-vus') {
      plan = { vus: first.vus ?? 1, seconds: parseDuration(first.duration, 30) };
    } else {
      throw new Error(`the Node runner has no "${first.executor}" executor`);
    }
  } else if (options.iterations !== undefined) {
    plan = {
      vus: options.vus ?? 1,
      seconds: parseDuration(options.duration, 600),
      sharedIterations: options.iterations,
    };
  } else {
    plan = { vus: options.vus ?? 1, seconds: parseDuration(options.duration, 30) };
  }
  if (limits.vus !== undefined) plan.vus = limits.vus;
  if (limits.seconds !== undefined) plan.seconds = Math.min(plan.seconds, limits.seconds);
  return plan;
}

export async function runScenarioFile(file: string, limits: RunLimits): Promise<ScenarioResult> {
  const scenario = basename(file).replace(/\.ts$/, '');
  const compiled = compileScenario(file);
  const init = loadVu(compiled, { id: 0, iteration: 0, scenario }, limits.env);
  const options = (init.exports.options ?? {}) as ScenarioOptions;
  const hosts = options.hosts ?? {};
  // Every host the scenario may reach is checked before anything is sent.
  for (const auth of options.tlsAuth ?? [])
    for (const domain of auth.domains) loopbackAddressOf(domain, hosts);
  configureHttp({ tlsAuth: options.tlsAuth ?? [], hosts, ca: limits.caPem });
  const plan = planOf(options, limits);
  const maxRequests = limits.maxRequests ?? DEFAULT_MAX_REQUESTS;
  try {
    const setupSink = newSink(maxRequests);
    setSink(setupSink);
    const setup = init.exports.setup as (() => Promise<unknown>) | undefined;
    const data: unknown = setup ? JSON.parse(JSON.stringify((await setup()) ?? null)) : undefined;
    const setupFailures = [...setupSink.checks].filter(([, counts]) => counts.fails > 0);

    const vus: LoadedVu[] = [];
    for (let id = 1; id <= plan.vus; id++)
      vus.push(loadVu(compiled, { id, iteration: 0, scenario }, limits.env));
    const sink = newSink(maxRequests);
    sink.onResponse = limits.onResponse;
    setSink(sink);

    let started = 0;
    let completed = 0;
    let iterationErrors = 0;
    const errorMessages: string[] = setupFailures.map(
      ([name, counts]) => `setup: check "${name}" failed ${counts.fails} times`,
    );
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    const deadline = startedAt + plan.seconds * 1000;
    const more = (vuIterations: number) =>
      performance.now() < deadline &&
      !sink.abort.signal.aborted &&
      sink.requests.length < maxRequests &&
      (plan.sharedIterations === undefined || started < plan.sharedIterations) &&
      (plan.perVuIterations === undefined || vuIterations < plan.perVuIterations);

    const runVu = async (vu: LoadedVu) => {
      const iterate = vu.exports.default as (data: unknown) => Promise<void> | void;
      for (let iteration = 0; more(iteration); iteration++) {
        started += 1;
        vu.setIteration(iteration);
        try {
          await iterate(data);
          completed += 1;
        } catch (error) {
          if (error instanceof RunStoppedError || sink.abort.signal.aborted) break;
          iterationErrors += 1;
          if (errorMessages.length < MAX_ERROR_MESSAGES) errorMessages.push((error as Error).message);
        }
      }
    };
    const graceMs = (limits.gracefulStopSeconds ?? DEFAULT_GRACEFUL_STOP_SECONDS) * 1000;
    const all = Promise.all(vus.map(runVu));
    // After the time is up, iterations in flight get the grace period, then their requests are cut off.
    let hardStop: NodeJS.Timeout | undefined;
    const stopTimer = setTimeout(() => {
      hardStop = setTimeout(() => sink.abort.abort(), graceMs);
    }, plan.seconds * 1000);
    await all;
    clearTimeout(stopTimer);
    if (hardStop) clearTimeout(hardStop);
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);

    const teardown = init.exports.teardown as ((data: unknown) => Promise<void> | void) | undefined;
    if (teardown) {
      setSink(newSink(maxRequests));
      await teardown(data);
    }
    return {
      scenario,
      vus: plan.vus,
      elapsedSeconds,
      iterations: completed,
      iterationErrors,
      errorMessages,
      sink,
      driverCpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    setSink(null);
    closeHttp();
  }
}
