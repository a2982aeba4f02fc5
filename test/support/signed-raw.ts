import { messageSigningKey, signRequest } from '@app/http-signing';
import type { ClientCredentials } from './test-pki';

/**
 * The bytes of one signed HTTP/1.1 request (RFC 9421, as the broker demands), for tests that write to a
 * socket themselves: the same connection for several requests, a resumed TLS session, a bent request
 * line. `mutate` may change the signed headers before they are written.
 */
export async function signedRequestBytes(
  port: number,
  credentials: ClientCredentials,
  method: string,
  path: string,
  options: {
    body?: Buffer;
    /** Sent instead of `body`, which is what was signed (a digest over other bytes than those sent). */
    sentBody?: Buffer;
    headers?: Record<string, string>;
    now?: Date;
    nonce?: string;
    mutate?: (headers: Record<string, string>) => Record<string, string>;
  } = {},
): Promise<Buffer> {
  const signed = await signRequest(
    { method, url: `https://127.0.0.1:${port}${path}`, headers: options.headers, body: options.body },
    { key: messageSigningKey(credentials.key, credentials.cert), now: options.now, nonce: options.nonce },
  );
  const flat = Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name, [value].flat().join(', ')]),
  );
  const headers = options.mutate ? options.mutate(flat) : flat;
  const sent = options.sentBody ?? options.body;
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(sent ? [`Content-Length: ${sent.length}`] : []),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), sent ?? Buffer.alloc(0)]);
}
