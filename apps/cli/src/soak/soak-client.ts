import { SignedClient, SignedClientResponse } from '@app/http-signing';
import { randomUUID } from 'node:crypto';
import type { SeasonAnswer, SeasonBroker } from '../bench/season/season-client';
import { StepFailure, requestBody, seasonAnswerOf, signedClientsOf } from '../bench/season/season-client';
import type { SeasonCalls } from '../bench/season/season-driver';
import type { StepLatencies } from '../bench/season/season-stats';

/**
 * The soak's vendors: like the season's (`SeasonClients`), plus what a LAS does when a broker process dies
 * under its request — the connection breaks, it waits a little and sends the request again, with the same
 * `Idempotency-Key` on what creates or changes something. A broker without Idempotency-Key support may then
 * answer as if the request were new although the first attempt took effect; the vendor reconciles the two
 * cases the season meets by asking the broker (an open transfer for this pupil already exists → that one;
 * the evidence is already recorded → its gate decision), as a LAS would. Neither can happen otherwise in a
 * soak (every pupil is new, every act recorded once), so a reconciled answer is always an earlier attempt
 * that took effect. Every retry is counted.
 */

/** Bounded, as a LAS would: after this many broken connections in a row the step fails. */
const MAX_CONNECTION_RETRIES = 8;
/** The first wait after a broken connection, doubled per retry up to the ceiling. */
const CONNECTION_RETRY_FIRST_MS = 200;
const CONNECTION_RETRY_MAX_MS = 5_000;
/** 503/429 with Retry-After: how often, and the longest wait the broker may impose. */
const MAX_BUSY_RETRIES = 20;
const MAX_RETRY_WAIT_MS = 10_000;
/**
 * An answer that has not come within this long is given up and the request sent again (same key), as a
 * LAS's HTTP client would; counted apart, because a broker should answer or break the connection.
 */
const REQUEST_TIMEOUT_MS = 60_000;
/** Errors of a connection the broker's process died under (or that its death closed before use). */
const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT']);

export interface SoakRetries {
  /** Requests sent again after their connection broke (a process killed under them). */
  connection: number;
  /** Requests sent again after 503/429 with Retry-After. */
  busy: number;
  /** Retries the broker answered as new although the first attempt had taken effect, reconciled. */
  reconciled: number;
  /** Requests sent again because no answer came within REQUEST_TIMEOUT_MS, by step. */
  timedOut: Record<string, number>;
}

class NoAnswerInTime extends Error {
  constructor() {
    super(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    this.name = 'NoAnswerInTime';
  }
}

export function isConnectionError(error: unknown): boolean {
  const { code, name, message } = error as NodeJS.ErrnoException;
  return (
    name === 'ReusedConnectionClosedError' ||
    (code !== undefined && CONNECTION_ERROR_CODES.has(code)) ||
    message === 'socket hang up' ||
    message === 'aborted'
  );
}

export class SoakClients implements SeasonCalls {
  readonly retries: SoakRetries = { connection: 0, busy: 0, reconciled: 0, timedOut: {} };
  private readonly clients: SignedClient[];

  constructor(private readonly broker: SeasonBroker) {
    this.clients = signedClientsOf(broker);
  }

  async call(
    step: string,
    latencies: StepLatencies,
    vendor: number,
    method: string,
    path: string,
    expected: number,
    body?: Buffer | object,
  ): Promise<SeasonAnswer> {
    const { bytes, headers } = requestBody(body);
    // One key per act, the same on every attempt of it.
    if (method !== 'GET') headers['idempotency-key'] = randomUUID();
    let broken = 0;
    let busy = 0;
    for (;;) {
      const started = performance.now();
      let response: SignedClientResponse;
      try {
        response = await withTimeout(
          this.clients[vendor].request(new URL(path, this.broker.baseUrl), { method, body: bytes, headers }),
        );
      } catch (error) {
        const timedOut = error instanceof NoAnswerInTime;
        if ((!timedOut && !isConnectionError(error)) || broken >= MAX_CONNECTION_RETRIES) throw error;
        if (timedOut) this.retries.timedOut[step] = (this.retries.timedOut[step] ?? 0) + 1;
        else this.retries.connection += 1;
        latencies.retries += 1;
        await pause(Math.min(CONNECTION_RETRY_MAX_MS, CONNECTION_RETRY_FIRST_MS * 2 ** broken));
        broken += 1;
        continue;
      }
      const answer = seasonAnswerOf(response);
      const retryAfter = Number(response.headers['retry-after']);
      // Busy: the broker (503, 429) or the first attempt of this Idempotency-Key, whose process may have
      // died holding it (409 IDEMPOTENCY_KEY_IN_FLIGHT until its lease lapses): wait as told, same key.
      const waitAndRetry =
        answer.status === 503 ||
        answer.status === 429 ||
        (answer.status === 409 && answer.json.error === 'IDEMPOTENCY_KEY_IN_FLIGHT');
      if (waitAndRetry && retryAfter >= 0 && busy < MAX_BUSY_RETRIES) {
        this.retries.busy += 1;
        latencies.retries += 1;
        busy += 1;
        await pause(Math.min(MAX_RETRY_WAIT_MS, Math.max(50, retryAfter * 1000)));
        continue;
      }
      // Also without a broken connection of ours: the signed client itself sends a request again once when
      // a kept-alive connection closed under it (ReusedConnectionClosedError), which may have arrived.
      if (answer.status !== expected) {
        const reconciled = await this.reconcile(vendor, method, path, answer, bytes);
        if (reconciled) {
          this.retries.reconciled += 1;
          latencies.add(performance.now() - started);
          return reconciled;
        }
      }
      if (answer.status !== expected)
        throw new StepFailure(step, answer.status, String(answer.json.error ?? ''));
      latencies.add(performance.now() - started);
      return answer;
    }
  }

  close(): void {
    for (const client of this.clients) client.close();
  }

  /**
   * A retry answered as if it were new, after the first attempt's connection broke: did the first take
   * effect? Only the two cases the season meets, each confirmed by the broker, never assumed.
   */
  private async reconcile(
    vendor: number,
    method: string,
    path: string,
    answer: SeasonAnswer,
    bytes: Buffer | undefined,
  ): Promise<SeasonAnswer | null> {
    // The request was created: the broker names the open transfer for this pupil between these schools.
    if (method === 'POST' && path === '/v1/transfers' && answer.json.error === 'TRANSFER_ALREADY_OPEN') {
      const id = answer.json.transferId;
      return typeof id === 'string' ? { status: 201, json: { id }, body: Buffer.alloc(0) } : null;
    }
    // The first attempt took effect but its answer was lost with its process (409 IDEMPOTENCY_ANSWER_LOST):
    // read the result, as the API guide tells a vendor to.
    if (answer.json.error === 'IDEMPOTENCY_ANSWER_LOST') {
      const lost = await this.readLostResult(vendor, method, path, bytes);
      if (lost) return lost;
    }
    // The evidence was recorded (and the gate moved the transfer on): it is in the transfer's history.
    const evidence = /^\/v1\/transfers\/([^/]+)\/evidence$/.exec(path);
    if (method === 'POST' && evidence && answer.status === 409 && bytes) {
      const sent = JSON.parse(bytes.toString('utf8')) as { kind: string; versionHash: string };
      const history = seasonAnswerOf(
        await this.clients[vendor].request(
          new URL(`/v1/transfers/${evidence[1]}/evidence`, this.broker.baseUrl),
        ),
      );
      const records =
        (history.json.records as Array<{ kind: string; versionHash: string }> | undefined) ?? [];
      if (
        history.status !== 200 ||
        !records.some((r) => r.kind === sent.kind && r.versionHash === sent.versionHash)
      )
        return null;
      return {
        status: 201,
        json: { decision: history.json.decision, transferState: history.json.transferState },
        body: Buffer.alloc(0),
      };
    }
    return null;
  }

  /** What a step whose answer was lost did, read back from the broker; null when it cannot be told. */
  private async readLostResult(
    vendor: number,
    method: string,
    path: string,
    bytes: Buffer | undefined,
  ): Promise<SeasonAnswer | null> {
    const client = this.clients[vendor];
    const url = (to: string) => new URL(to, this.broker.baseUrl);
    // The request exists: asked again without the key, the broker names the open transfer (and creates nothing).
    if (method === 'POST' && path === '/v1/transfers' && bytes) {
      const again = seasonAnswerOf(
        await client.request(url(path), {
          method,
          body: bytes,
          headers: { 'content-type': 'application/json' },
        }),
      );
      const id = again.json.transferId;
      return again.json.error === 'TRANSFER_ALREADY_OPEN' && typeof id === 'string'
        ? { status: 201, json: { id }, body: Buffer.alloc(0) }
        : null;
    }
    const transfer = /^\/v1\/transfers\/([^/]+)\/(dossier|receipt)$/.exec(path);
    if (!transfer) return null;
    const view = seasonAnswerOf(await client.request(url(`/v1/transfers/${transfer[1]}`)));
    if (view.status !== 200) return null;
    // The dossier was staged: it is the transfer's current version (only this vendor stages for it).
    const version = view.json.currentVersion as { canonicalSha256?: string } | null | undefined;
    if (method === 'PUT' && transfer[2] === 'dossier' && version?.canonicalSha256)
      return { status: 201, json: { version }, body: Buffer.alloc(0) };
    // The receipt was confirmed: the transfer is received.
    if (method === 'POST' && transfer[2] === 'receipt' && view.json.state === 'received')
      return { status: 200, json: {}, body: Buffer.alloc(0) };
    return null;
  }
}

/** The request's answer, or NoAnswerInTime (the request itself cannot be aborted; its socket is left). */
function withTimeout<T>(request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerInTime()), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([request, late]).finally(() => clearTimeout(timer));
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
