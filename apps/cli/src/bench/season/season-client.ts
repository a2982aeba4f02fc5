import { SignedClient, SignedClientResponse } from '@app/http-signing';
import type { BenchVendor } from '../load/bench-broker';
import type { StepLatencies } from './season-stats';

/** What the season needs of a broker: a subset of `BenchBroker`, so a test can give its own. */
export interface SeasonBroker {
  baseUrl: string;
  caPem: string;
  brokerCertificatePem: string;
  vendors: BenchVendor[];
  databaseUrl: string;
  schema: string;
  /** TLS server name when the server certificate names a host, not the address. */
  servername?: string;
}

/** How often an answer of 503/429 with Retry-After is waited out before the pupil counts as failed. */
const MAX_RETRIES = 20;
/** The longest wait a Retry-After may impose on the driver (the broker says seconds). */
const MAX_RETRY_WAIT_MS = 10_000;

export interface SeasonAnswer {
  status: number;
  json: Record<string, unknown>;
  body: Buffer;
}

/** A step answered something else than it must: the pupil fails with the step, status and error code. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(`${step}: ${status} ${code}`);
  }
}

/**
 * One signed client per vendor (mutual TLS with the vendor's certificate, keep-alive connections, every
 * answer's signature checked), and the one call the season makes: answers `expected`, waits out
 * contention the broker reports (503/429 with Retry-After, as a vendor would), fails otherwise.
 */
export class SeasonClients {
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
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let response: SignedClientResponse;
      try {
        response = await this.clients[vendor].request(new URL(path, this.broker.baseUrl), {
          method,
          body: bytes,
          headers,
        });
      } catch (error) {
        // The client retries a request a closing kept-alive connection swallowed once; under load the
        // new connection can meet the same fate. It never reached the broker: sending it again is safe.
        if ((error as Error).name !== 'ReusedConnectionClosedError' || attempt >= MAX_RETRIES) throw error;
        latencies.retries += 1;
        continue;
      }
      const { json } = seasonAnswerOf(response);
      const retryAfter = Number(response.headers['retry-after']);
      if ((response.status === 503 || response.status === 429) && retryAfter >= 0 && attempt < MAX_RETRIES) {
        latencies.retries += 1;
        await new Promise((done) =>
          setTimeout(done, Math.min(MAX_RETRY_WAIT_MS, Math.max(50, retryAfter * 1000))),
        );
        continue;
      }
      if (response.status !== expected)
        throw new StepFailure(step, response.status, String(json.error ?? ''));
      latencies.add(performance.now() - started);
      return { status: response.status, json, body: response.body };
    }
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

/** One signed client per vendor of the broker, in the order of `broker.vendors`. */
export function signedClientsOf(broker: SeasonBroker): SignedClient[] {
  return broker.vendors.map(
    (vendor) =>
      new SignedClient({
        certificatePem: vendor.certificatePem,
        keyPem: vendor.keyPem,
        caPem: broker.caPem,
        brokerCertificatePem: broker.brokerCertificatePem,
        servername: broker.servername,
      }),
  );
}

/** A dossier goes as XML, anything else as JSON. */
export function requestBody(body: Buffer | object | undefined): {
  bytes: Buffer | undefined;
  headers: Record<string, string>;
} {
  if (body === undefined) return { bytes: undefined, headers: {} };
  if (Buffer.isBuffer(body)) return { bytes: body, headers: { 'content-type': 'application/xml' } };
  return { bytes: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } };
}

/** The answer with its JSON body read (empty when it has none). */
export function seasonAnswerOf(response: SignedClientResponse): SeasonAnswer {
  const type = String(response.headers['content-type'] ?? '');
  const json =
    type.includes('json') && response.body.length > 0
      ? (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)
      : {};
  return { status: response.status, json, body: response.body };
}
