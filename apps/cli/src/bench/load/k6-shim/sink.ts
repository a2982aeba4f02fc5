/**
 * Where the shims put what a scenario run measures: one sink per scenario run, set by the runner before
 * any VU starts (the shims are shared by every VU; only the sink changes between runs).
 */
export interface RequestSample {
  /** The `name` tag (e.g. `PUT /v1/transfers/{id}/dossier`). */
  name: string;
  status: number;
  /** The broker's error code of a non-2xx answer (`{ "error": … }`), or the transport error's code. */
  code: string | null;
  durationMs: number;
  /** `Date.now()` when the answer had arrived. */
  endedAtMs: number;
}

export interface RunSink {
  requests: RequestSample[];
  checks: Map<string, { passes: number; fails: number }>;
  /** Custom metrics (`k6/metrics`), by name: the values added. */
  metrics: Map<string, { kind: string; values: number[] }>;
  /** Called for every answer (the runner's own instruments, e.g. when a release was allowed). */
  onResponse?: (sample: RequestSample, url: URL, method: string, body: string | null) => void;
  /** Stops new requests once reached (bounded in requests as well as in time). */
  maxRequests: number;
  /** Aborts every request in flight and refuses new ones (the run's time is up). */
  abort: AbortController;
}

let current: RunSink | null = null;

export function setSink(sink: RunSink | null): void {
  current = sink;
}

export function sink(): RunSink {
  if (!current) throw new Error('k6 shim used outside a run');
  return current;
}

export function newSink(maxRequests: number): RunSink {
  return {
    requests: [],
    checks: new Map(),
    metrics: new Map(),
    maxRequests,
    abort: new AbortController(),
  };
}
