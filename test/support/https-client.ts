import { request } from 'node:https';
import { VendorClient } from './vendor-client';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * One request over a fresh TLS connection (a pooled socket would carry another test's client
 * certificate, and would skip the handshake a revocation test needs), verifying the broker's server
 * certificate against the test CA. With a client certificate and key the request is signed with that
 * key (RFC 9421), as every vendor request must be; without one it is sent as an anonymous client would.
 */
export async function httpsJson(
  port: number,
  path: string,
  options: { ca: Buffer; cert?: Buffer; key?: Buffer; method?: string },
): Promise<JsonResponse> {
  if (options.cert && options.key) {
    // A client of its own per call: its connection is new, as the revocation tests need.
    const client = new VendorClient(port, { cert: options.cert, key: options.key }, options.ca);
    try {
      const response = await client.send(options.method ?? 'GET', path);
      return {
        status: response.status,
        headers: response.headers,
        body: parseJson(response.status, response.raw.toString('utf8')),
      };
    } finally {
      client.close();
    }
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path,
        method: options.method ?? 'GET',
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: parseJson(res.statusCode, Buffer.concat(chunks).toString('utf8')),
            });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function parseJson(status: number | undefined, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (status ${status}): ${text.slice(0, 200)}`);
  }
}
