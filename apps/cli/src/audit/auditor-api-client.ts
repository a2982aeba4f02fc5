import { readPkiConfig } from '@app/pki/pki.config';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const { SignedClient } = await import('@app/http-signing');
  const pkiDir = readPkiConfig().dir;
  const cert = join(pkiDir, 'auditors', `${options.as}.crt`);
  const key = join(pkiDir, 'auditors', `${options.as}.key`);
  if (!existsSync(cert) || !existsSync(key)) {
    throw new UsageError(`no auditor certificate for "${options.as}" in ${join(pkiDir, 'auditors')}`);
  }
  const serverCertificate = join(pkiDir, 'server.crt');
  const client = new SignedClient({
    certificatePem: readFileSync(cert),
    keyPem: readFileSync(key),
    caPem: readFileSync(join(pkiDir, 'ca.crt')),
    brokerCertificatePem: existsSync(serverCertificate) ? readFileSync(serverCertificate) : undefined,
  });
  try {
    const response = await client.request(new URL(path, options.broker), { method: 'GET' });
    if (response.status >= 400) {
      const text = response.body.toString('utf8');
      let message = text;
      try {
        const body = JSON.parse(text) as { error?: string; message?: string };
        message = `${body.error}: ${body.message}`;
      } catch {
        // Not JSON: shown as it came.
      }
      process.stderr.write(`oso: the broker answered HTTP ${response.status}: ${message}\n`);
      throw new CommandExit(1);
    }
    return response.body;
  } finally {
    client.close();
  }
}
