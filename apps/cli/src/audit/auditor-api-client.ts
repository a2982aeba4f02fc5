import { readPkiConfig } from '@app/pki/pki.config';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { CommandExit, UsageError } from '../output';

export interface AuditorCallOptions {
  as: string;
  broker: string;
}

/**
 * One signed call to the auditor API as `--as <auditor>` (the development PKI's `auditors/<name>.crt`
 * and key, as `oso request` finds them): mutual TLS, RFC 9421 signature, the broker's answer signature
 * checked when its certificate is at hand. An error answer is printed and exits 1.
 */
export async function callAuditorApi(options: AuditorCallOptions, path: string): Promise<Buffer> {
  const client = await auditorClient(options);
  try {
    const response = await client.request(new URL(path, options.broker), { method: 'GET' });
    if (response.status >= 400) failWith(response.status, response.body);
    return response.body;
  } finally {
    client.close();
  }
}

/**
 * As `callAuditorApi`, but the answer's body goes to `out` as it arrives (an export can be larger than
 * memory). The broker's signature over it is checked at the end; when that fails the command exits 1
 * saying so, and what `out` received must not be used.
 */
export async function streamAuditorApi(
  options: AuditorCallOptions,
  path: string,
  out: Writable,
): Promise<void> {
  const { SignatureRefusalError } = await import('@app/http-signing');
  const client = await auditorClient(options);
  try {
    const response = await client.requestToStream(new URL(path, options.broker), out);
    if (response.errorBody !== null) failWith(response.status, response.errorBody);
  } catch (error) {
    if (!(error instanceof SignatureRefusalError)) throw error;
    process.stderr.write(
      `oso: the broker's signature over the export does not verify (${error.code}): discard what was written\n`,
    );
    throw new CommandExit(1);
  } finally {
    client.close();
  }
}

function failWith(status: number, body: Buffer): never {
  const text = body.toString('utf8');
  let message = text;
  try {
    const parsed = JSON.parse(text) as { error?: string; message?: string };
    message = `${parsed.error}: ${parsed.message}`;
  } catch {
    // Not JSON: shown as it came.
  }
  process.stderr.write(`oso: the broker answered HTTP ${status}: ${message}\n`);
  throw new CommandExit(1);
}

async function auditorClient(options: AuditorCallOptions): Promise<import('@app/http-signing').SignedClient> {
  const { SignedClient } = await import('@app/http-signing');
  const pkiDir = readPkiConfig().dir;
  const cert = join(pkiDir, 'auditors', `${options.as}.crt`);
  const key = join(pkiDir, 'auditors', `${options.as}.key`);
  if (!existsSync(cert) || !existsSync(key)) {
    throw new UsageError(`no auditor certificate for "${options.as}" in ${join(pkiDir, 'auditors')}`);
  }
  const serverCertificate = join(pkiDir, 'server.crt');
  return new SignedClient({
    certificatePem: readFileSync(cert),
    keyPem: readFileSync(key),
    caPem: readFileSync(join(pkiDir, 'ca.crt')),
    brokerCertificatePem: existsSync(serverCertificate) ? readFileSync(serverCertificate) : undefined,
  });
}
