import { SignedClient } from '@app/http-signing';
import type { ClientCredentials } from './test-pki';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  body: Record<string, unknown>;
  /** The request body as it was sent (for checks that the answer does not repeat what was in it). */
  sent?: Buffer;
}

/**
 * A vendor as the tests see it: the repo's signed client (mutual TLS, every request signed with the
 * certificate's key) against a running broker, with JSON in and out.
 */
export class VendorClient {
  private readonly client: SignedClient;

  constructor(
    private readonly port: number,
    credentials: ClientCredentials,
    ca: Buffer,
    brokerCertificate?: Buffer,
  ) {
    this.client = new SignedClient({
      certificatePem: credentials.cert,
      keyPem: credentials.key,
      caPem: ca,
      brokerCertificatePem: brokerCertificate,
      servername: 'localhost',
    });
  }

  get keyId(): string {
    return this.client.keyId;
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    options: { contentType?: string; nonce?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const contentType =
      options.contentType ?? (Buffer.isBuffer(body) ? 'application/xml' : 'application/json');
    const response = await this.client.request(`https://127.0.0.1:${this.port}${path}`, {
      method,
      body: payload,
      nonce: options.nonce,
      headers: { ...(payload ? { 'content-type': contentType } : {}), ...options.headers },
    });
    const text = response.body.toString('utf8');
    let parsed: Record<string, unknown> = {};
    // JSON answers only: a JSON Lines export (application/jsonl) is read from `raw`.
    if (/[/+]json\s*(;|$)/.test(String(response.headers['content-type'] ?? '')) && text) {
      parsed = JSON.parse(text) as Record<string, unknown>;
    }
    return {
      status: response.status,
      headers: response.headers,
      raw: response.body,
      body: parsed,
      sent: payload,
    };
  }

  get = (path: string) => this.send('GET', path);
  post = (path: string, body?: unknown) => this.send('POST', path, body ?? {});
  put = (path: string, body: Buffer) => this.send('PUT', path, body);

  close(): void {
    this.client.close();
  }
}
