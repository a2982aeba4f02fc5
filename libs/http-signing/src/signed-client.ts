import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BodyDigester } from './content-digest';
import { HeaderInput, MessageHeaders, normalizeHeaders } from './message-headers';
import { signRequest } from './request-signing';
import { verifySignedResponse } from './response-verification';
import { SignatureRefusalError } from './signature-refusal';
import { VerifiedSignature } from './signature-verification';
import { CertificateKey, MessageSigningKey, certificateKey, messageSigningKey } from './signing-keys';

export interface SignedClientOptions {
  /** The client certificate and its private key (PEM), as issued by the broker's CA. */
  certificatePem: string | Buffer;
  keyPem: string | Buffer;
  /** CA certificate(s) to trust for the broker's server certificate. */
  caPem: string | Buffer;
  /** The broker's server certificate (PEM); when given, every response must carry its valid signature. */
  brokerCertificatePem?: string | Buffer;
  /** TLS server name, when connecting by IP address to a certificate issued for a DNS name. */
  servername?: string;
  maxResponseAgeSeconds?: number;
  /** For tests: the time put into `created` and used to judge the response's age. */
  clock?: () => Date;
}

export interface SignedRequestOptions {
  method?: string;
  headers?: HeaderInput;
  body?: Buffer | string;
  /** For tests of replay protection: reuse a nonce instead of a fresh random one. */
  nonce?: string;
}

export interface SignedClientResponse {
  status: number;
  headers: MessageHeaders;
  body: Buffer;
  /** What was verified of the broker's signature; null when no broker certificate was configured. */
  responseSignature: VerifiedSignature | null;
}

/**
 * A client for the broker's API: mutual TLS with the client certificate, every request signed with its
 * key (RFC 9421 + Content-Digest), and, given the broker's certificate, every response verified. Used by
 * the `oso` demo and the tests. Connections are kept alive per client; call `close()` when done.
 */
export class SignedClient {
  readonly signingKey: MessageSigningKey;
  private readonly broker: CertificateKey | undefined;
  private readonly agent: Agent;

  constructor(private readonly options: SignedClientOptions) {
    this.signingKey = messageSigningKey(options.keyPem, options.certificatePem);
    this.broker = options.brokerCertificatePem ? certificateKey(options.brokerCertificatePem) : undefined;
    // One agent per client certificate: a pooled connection always carries this client's certificate.
    this.agent = new Agent({
      keepAlive: true,
      cert: options.certificatePem,
      key: options.keyPem,
      ca: options.caPem,
      servername: options.servername,
    });
  }

  /** The keyid this client signs with: the SHA-256 fingerprint of its certificate. */
  get keyId(): string {
    return this.signingKey.keyId;
  }

  async request(url: string | URL, options: SignedRequestOptions = {}): Promise<SignedClientResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
    const sign = () =>
      signRequest(
        { method, url, headers: options.headers, body },
        { key: this.signingKey, now: this.options.clock?.() ?? new Date(), nonce: options.nonce },
      );
    let signed = await sign();
    let response: Omit<SignedClientResponse, 'responseSignature'>;
    try {
      response = await this.send(signed, method, body);
    } catch (error) {
      // The broker closes a kept-alive connection after its idle timeout; a request that raced that
      // close never reached it (Node's documented retry case), so it is sent once more on a new
      // connection, signed anew with a fresh nonce. A given nonce is the caller's: no retry then.
      if (!(error instanceof ReusedConnectionClosedError) || options.nonce !== undefined) throw error;
      signed = await sign();
      response = await this.send(signed, method, body);
    }

    let responseSignature: VerifiedSignature | null = null;
    if (this.broker) {
      const outcome = await verifySignedResponse({
        status: response.status,
        headers: response.headers,
        body: response.body,
        request: { method, url: signed.url, headers: signed.headers },
        requestSignatureLabel: signed.label,
        broker: this.broker,
        now: this.options.clock?.() ?? new Date(),
        maxAgeSeconds: this.options.maxResponseAgeSeconds,
      });
      if (!outcome.ok) throw new SignatureRefusalError(outcome.refusal);
      responseSignature = outcome.verified;
    }
    return { ...response, responseSignature };
  }

  /**
   * A GET whose successful (2xx) body is written to `out` as it arrives, honouring back-pressure, instead
   * of being kept: for answers too large to hold (a log export). The body is hashed on the way and the
   * broker's signature checked once it has all arrived, so a failed check throws AFTER `out` received
   * the bytes: the caller must then treat them as untrusted. An error answer is kept and returned.
   */
  async requestToStream(
    url: string | URL,
    out: Writable,
  ): Promise<Omit<SignedClientResponse, 'body'> & { errorBody: Buffer | null }> {
    const signed = await signRequest(
      { method: 'GET', url },
      { key: this.signingKey, now: this.options.clock?.() ?? new Date() },
    );
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpsRequest(
        new URL(signed.url),
        { method: 'GET', headers: signed.headers, agent: this.agent, servername: this.options.servername },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    const headers = normalizeHeaders(res.headers as IncomingHttpHeaders);
    const digester = new BodyDigester();
    const kept: Buffer[] = [];
    const streamed = status >= 200 && status < 300;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      digester.update(chunk);
      if (!streamed) kept.push(chunk);
      else if (!out.write(chunk)) await once(out, 'drain');
    }
    let responseSignature: VerifiedSignature | null = null;
    if (this.broker) {
      const outcome = await verifySignedResponse({
        status,
        headers,
        body: streamed ? digester.digests() : Buffer.concat(kept),
        request: { method: 'GET', url: signed.url, headers: signed.headers },
        requestSignatureLabel: signed.label,
        broker: this.broker,
        now: this.options.clock?.() ?? new Date(),
        maxAgeSeconds: this.options.maxResponseAgeSeconds,
      });
      if (!outcome.ok) throw new SignatureRefusalError(outcome.refusal);
      responseSignature = outcome.verified;
    }
    return { status, headers, responseSignature, errorBody: streamed ? null : Buffer.concat(kept) };
  }

  close(): void {
    this.agent.destroy();
  }

  private send(signed: { url: string; headers: MessageHeaders }, method: string, body: Buffer | undefined) {
    const headers: MessageHeaders = { ...signed.headers };
    if (body !== undefined) headers['content-length'] = String(body.length);
    return send(new URL(signed.url), method, headers, body, this.agent, this.options.servername);
  }
}

/** A kept-alive connection was closed by the broker before it answered this request. */
class ReusedConnectionClosedError extends Error {
  constructor(override readonly cause: Error) {
    super(`the kept-alive connection was closed before an answer: ${cause.message}`);
    this.name = 'ReusedConnectionClosedError';
  }
}

const CLOSED_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

function send(
  url: URL,
  method: string,
  headers: MessageHeaders,
  body: Buffer | undefined,
  agent: Agent,
  servername: string | undefined,
): Promise<Omit<SignedClientResponse, 'responseSignature'>> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, agent, servername }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: normalizeHeaders(res.headers as IncomingHttpHeaders),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const closedBeforeAnswer = req.reusedSocket && CLOSED_CONNECTION_CODES.has(error.code ?? '');
      reject(closedBeforeAnswer ? new ReusedConnectionClosedError(error) : error);
    });
    req.end(body);
  });
}
