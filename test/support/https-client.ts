import { request } from 'node:https';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One request over a fresh TLS connection (no agent: a pooled socket would carry another test's client
 * certificate), verifying the broker's server certificate against the test CA.
 */
export function httpsJson(
  port: number,
  path: string,
  options: { ca: Buffer; cert?: Buffer; key?: Buffer; method?: string },
): Promise<JsonResponse> {
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
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`not JSON (status ${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
