import { Agent, request as httpsRequest } from 'node:https';
import { loopbackAddressOf } from './loopback';
import { type RequestSample, sink } from './sink';

/**
 * `k6/http` over Node's https: `asyncRequest` only (a sync request would block every VU of the runner),
 * a kept-alive mutual-TLS agent per host name with the client certificate k6's `options.tlsAuth` gives
 * that host, k6's `options.hosts` for where the name connects, and loopback targets only.
 */
export interface TlsAuth {
  domains: string[];
  cert: string;
  key: string;
}

interface HttpConfig {
  tlsAuth: TlsAuth[];
  hosts: Record<string, string>;
  /** CA certificates to trust for the broker's certificate (k6 uses the system store; SSL_CERT_FILE). */
  ca: string | undefined;
}

let config: HttpConfig = { tlsAuth: [], hosts: {}, ca: undefined };
const agents = new Map<string, Agent>();

export function configureHttp(next: HttpConfig): void {
  closeHttp();
  config = next;
}

export function closeHttp(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

function agentFor(host: string): Agent {
  let agent = agents.get(host);
  if (!agent) {
    const auth = config.tlsAuth.find((entry) => entry.domains.includes(host));
    agent = new Agent({
      keepAlive: true,
      cert: auth?.cert,
      key: auth?.key,
      ca: config.ca,
      servername: host,
      maxSockets: Infinity,
    });
    agents.set(host, agent);
  }
  return agent;
}

/** k6 spells header names canonically: `Content-Length`, `Retry-After`. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

export interface ShimResponse {
  status: number;
  body: string | ArrayBuffer | null;
  headers: Record<string, string>;
  error: string;
  error_code: number;
  timings: { duration: number };
  url: string;
  json(selector?: string): unknown;
}

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseType?: 'text' | 'binary' | 'none';
  timeout?: string | number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function timeoutMs(timeout: string | number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof timeout === 'number') return timeout;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(timeout);
  if (!match) return DEFAULT_TIMEOUT_MS;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

function errorCodeOf(status: number, text: string | null): string | null {
  if (status >= 200 && status < 300) return null;
  if (text === null) return null;
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : null;
  } catch {
    return null;
  }
}

export function asyncRequest(
  method: string,
  url: string,
  body?: string | ArrayBuffer | null,
  params: Params = {},
): Promise<ShimResponse> {
  const run = sink();
  const target = new URL(url);
  if (target.protocol !== 'https:')
    throw new Error(`the Node runner speaks https only, not ${target.protocol}`);
  const address = loopbackAddressOf(target.hostname, config.hosts);
  if (run.abort.signal.aborted || run.requests.length >= run.maxRequests) {
    return Promise.reject(new RunStoppedError());
  }
  const payload = body === undefined || body === null ? undefined : Buffer.from(body as ArrayBuffer);
  const headers: Record<string, string> = { ...params.headers, host: target.host };
  if (payload !== undefined) headers['content-length'] = String(payload.length);
  const name = params.tags?.name ?? `${method} ${url}`;
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = (
      status: number,
      responseHeaders: Record<string, string>,
      raw: Buffer | null,
      error = '',
    ) => {
      const ended = performance.now();
      const text = raw === null ? null : raw.toString('utf8');
      const sample: RequestSample = {
        name,
        status,
        code: error ? error.split(':')[0] : errorCodeOf(status, text),
        durationMs: ended - started,
        endedAtMs: Date.now(),
      };
      // A request cut off because the run's time was up is not a result of the broker's.
      if (!(error && run.abort.signal.aborted)) {
        run.requests.push(sample);
        run.onResponse?.(sample, target, method, text);
      }
      const responseBody =
        params.responseType === 'none' || raw === null
          ? null
          : params.responseType === 'binary'
            ? (raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer)
            : text;
      resolve({
        status,
        body: responseBody,
        headers: responseHeaders,
        error,
        error_code: error ? 1000 : 0,
        timings: { duration: sample.durationMs },
        url,
        json: (selector?: string) => {
          if (typeof responseBody !== 'string') throw new Error('the answer has no text body');
          const parsed = JSON.parse(responseBody) as Record<string, unknown>;
          return selector === undefined ? parsed : parsed[selector];
        },
      });
    };
    const outgoing = httpsRequest(
      {
        host: address,
        port: target.port || 443,
        path: `${target.pathname}${target.search}`,
        method,
        headers,
        agent: agentFor(target.hostname),
        servername: target.hostname,
        signal: AbortSignal.any([run.abort.signal, AbortSignal.timeout(timeoutMs(params.timeout))]),
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', (error: NodeJS.ErrnoException) =>
          finish(0, {}, null, `${error.code ?? error.name}: ${error.message}`),
        );
        answer.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [key, value] of Object.entries(answer.headers)) {
            if (value !== undefined)
              responseHeaders[canonical(key)] = Array.isArray(value) ? value.join(', ') : value;
          }
          finish(answer.statusCode ?? 0, responseHeaders, Buffer.concat(chunks));
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish(0, {}, null, `${error.code ?? error.name}: ${error.message}`),
    );
    outgoing.end(payload);
  });
}

/** The run's time or request budget is spent: the VU stops here (not counted as a failure). */
export class RunStoppedError extends Error {
  constructor() {
    super('the run is over');
    this.name = 'RunStoppedError';
  }
}

function synchronous(): never {
  throw new Error('the Node runner has no synchronous requests: use `await http.asyncRequest(…)`');
}

export const request = synchronous;
export const get = synchronous;
export const post = synchronous;
export const put = synchronous;
export const del = synchronous;
export const batch = synchronous;

export default { asyncRequest, request, get, post, put, del, batch };
