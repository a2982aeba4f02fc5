import { basename } from 'node:path';
import { RunStoppedError, type TlsAuth, closeHttp, configureHttp } from './k6-shim/http';
import { loopbackAddressOf } from './k6-shim/loopback';
import { type RunSink, newSink, setSink } from './k6-shim/sink';
import { type LoadedVu, compileScenario, loadVu } from './scenario-loader';

/**
 * Runs one k6 scenario file in this process: its `options` (vus, duration, iterations, or every entry of
 * `options.scenarios` at once — shared-iterations, per-vu-iterations or constant-vus, each with its
 * `exec`), `setup()`, the VUs until the time or the iterations are used up, `teardown()`. Bounded
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
  /** Iterations of the first (main) scenario. */
  iterations: number;
  /** Iterations of every scenario of the file (`options.scenarios`), by name. */
  iterationsByScenario: Record<string, number>;
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
  /** The k6 scenario's name (`default` without `options.scenarios`). */
  name: string;
  /** The exported function its VUs run. */
  exec: string;
  vus: number;
  seconds: number;
  /** Shared by the plan's VUs; undefined: until the time is up. */
  sharedIterations?: number;
  perVuIterations?: number;
}

type ScenarioEntry = NonNullable<ScenarioOptions['scenarios']>[string] & { exec?: string };

function planOfEntry(name: string, entry: ScenarioEntry): Plan {
  const base = { name, exec: entry.exec ?? 'default', vus: entry.vus ?? 1 };
  const seconds = parseDuration(entry.maxDuration ?? entry.duration, 600);
  switch (entry.executor) {
    case 'shared-iterations':
      return { ...base, seconds, sharedIterations: entry.iterations ?? 1 };
    case 'per-vu-iterations':
      return { ...base, seconds, perVuIterations: entry.iterations ?? 1 };
    case 'constant-vus':
      return { ...base, seconds: parseDuration(entry.duration, 30) };
    default:
      throw new Error(`the Node runner has no "${entry.executor}" executor`);
  }
}

/**
 * What runs: every entry of `options.scenarios` at once (each its own VUs and `exec`), or the top-level
 * vus/duration/iterations. `limits.vus` sets the first scenario's VUs (the one a file is about).
 */
function plansOf(options: ScenarioOptions, limits: RunLimits): Plan[] {
  let plans: Plan[];
  if (options.scenarios) {
    plans = Object.entries(options.scenarios).map(([name, entry]) => planOfEntry(name, entry));
  } else if (options.iterations !== undefined) {
    plans = [
      {
        name: 'default',
        exec: 'default',
        vus: options.vus ?? 1,
        seconds: parseDuration(options.duration, 600),
        sharedIterations: options.iterations,
      },
    ];
  } else {
    plans = [
      {
        name: 'default',
        exec: 'default',
        vus: options.vus ?? 1,
        seconds: parseDuration(options.duration, 30),
      },
    ];
  }
  if (limits.vus !== undefined) plans[0].vus = limits.vus;
  if (limits.seconds !== undefined)
    for (const plan of plans) plan.seconds = Math.min(plan.seconds, limits.seconds);
  return plans;
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
  const plans = plansOf(options, limits);
  const maxRequests = limits.maxRequests ?? DEFAULT_MAX_REQUESTS;
  try {
    const setupSink = newSink(maxRequests);
    setSink(setupSink);
    const setup = init.exports.setup as (() => Promise<unknown>) | undefined;
    const data: unknown = setup ? JSON.parse(JSON.stringify((await setup()) ?? null)) : undefined;
    const setupFailures = [...setupSink.checks].filter(([, counts]) => counts.fails > 0);

    const sink = newSink(maxRequests);
    sink.onResponse = limits.onResponse;
    let nextVu = 1;
    const running = plans.map((plan) => ({
      plan,
      vus: Array.from({ length: plan.vus }, () =>
        loadVu(compiled, { id: nextVu++, iteration: 0, scenario: plan.name }, limits.env),
      ),
      started: 0,
      completed: 0,
    }));
    setSink(sink);

    let iterationErrors = 0;
    const errorMessages: string[] = setupFailures.map(
      ([name, counts]) => `setup: check "${name}" failed ${counts.fails} times`,
    );
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();

    const runVu = async (run: (typeof running)[number], vu: LoadedVu) => {
      const { plan } = run;
      const deadline = startedAt + plan.seconds * 1000;
      const iterate = vu.exports[plan.exec] as ((data: unknown) => Promise<void> | void) | undefined;
      if (typeof iterate !== 'function')
        throw new Error(`scenario ${plan.name}: no exported function ${plan.exec}`);
      for (let iteration = 0; ; iteration++) {
        const more =
          performance.now() < deadline &&
          !sink.abort.signal.aborted &&
          sink.requests.length < maxRequests &&
          (plan.sharedIterations === undefined || run.started < plan.sharedIterations) &&
          (plan.perVuIterations === undefined || iteration < plan.perVuIterations);
        if (!more) break;
        run.started += 1;
        vu.setIteration(iteration);
        try {
          await iterate(data);
          run.completed += 1;
        } catch (error) {
          if (error instanceof RunStoppedError || sink.abort.signal.aborted) break;
          iterationErrors += 1;
          if (errorMessages.length < MAX_ERROR_MESSAGES) errorMessages.push((error as Error).message);
        }
      }
    };
    const graceMs = (limits.gracefulStopSeconds ?? DEFAULT_GRACEFUL_STOP_SECONDS) * 1000;
    const longest = Math.max(...plans.map((plan) => plan.seconds));
    // After the time is up, iterations in flight get the grace period, then their requests are cut off.
    let hardStop: NodeJS.Timeout | undefined;
    const stopTimer = setTimeout(() => {
      hardStop = setTimeout(() => sink.abort.abort(), graceMs);
    }, longest * 1000);
    await Promise.all(running.flatMap((run) => run.vus.map((vu) => runVu(run, vu))));
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
      vus: running[0].plan.vus,
      elapsedSeconds,
      iterations: running[0].completed,
      iterationsByScenario: Object.fromEntries(running.map((run) => [run.plan.name, run.completed])),
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
