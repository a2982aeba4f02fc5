import { readPkiConfig } from '@app/pki/pki.config';
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandExit, UsageError, say } from '../output';

interface RequestOptions {
  as?: string;
  cert?: string;
  key?: string;
  ca?: string;
  broker: string;
  data?: string;
  contentType?: string;
}

/**
 * `oso request METHOD PATH` — one signed call to the broker, as a vendor's LAS makes it: mutual TLS with
 * a client certificate, the request signed with its key (RFC 9421), the broker's answer verified against
 * its certificate. The development PKI's files are found by `--as <vendor or auditor>`.
 */
export function requestCommand(): Command {
  return new Command('request')
    .description('send one signed request to the broker and print the answer')
    .argument('<method>', 'GET, POST, PUT, …')
    .argument('<path>', 'e.g. /v1/whoami')
    .option('--as <id>', 'a vendor or auditor of the development PKI (certs/dev)')
    .option('--cert <file>', 'client certificate (PEM), instead of --as')
    .option('--key <file>', 'its private key (PEM)')
    .option('--ca <file>', 'the broker CA (default: the development CA)')
    .option('--broker <url>', 'the broker', `https://localhost:${process.env.BROKER_PORT ?? '8443'}`)
    .option(
      '--data <json|@file>',
      'request body: JSON text, or @file (XML files are sent as application/xml)',
    )
    .option('--content-type <type>', 'override the body’s content type')
    .action(async (method: string, path: string, options: RequestOptions) => {
      const { SignatureRefusalError, SignedClient } = await import('@app/http-signing');
      const pkiDir = readPkiConfig().dir;
      const { cert, key } = credentials(options, pkiDir);
      const ca = readFile(options.ca ?? join(pkiDir, 'ca.crt'), 'CA certificate');
      const serverCertificate = join(pkiDir, 'server.crt');
      const body = options.data === undefined ? undefined : bodyOf(options.data);
      const client = new SignedClient({
        certificatePem: cert,
        keyPem: key,
        caPem: ca,
        // Verify the broker's signature when its certificate is at hand (the development PKI).
        brokerCertificatePem:
          !options.ca && existsSync(serverCertificate) ? readFileSync(serverCertificate) : undefined,
      });
      try {
        const response = await client.request(new URL(path, options.broker), {
          method,
          body: body?.bytes,
          headers: body ? { 'content-type': options.contentType ?? body.contentType } : {},
        });
        const text = response.body.toString('utf8');
        const type = String(response.headers['content-type'] ?? '');
        process.stderr.write(
          `HTTP ${response.status}${response.responseSignature ? ' (broker signature verified)' : ''}\n`,
        );
        // The exchange log entries this step wrote, to fetch their proofs with (docs/api-guide.md).
        const logEntries = response.headers['x-log-entry'];
        if (logEntries !== undefined) process.stderr.write(`X-Log-Entry: ${String(logEntries)}\n`);
        say(type.includes('json') && text ? JSON.stringify(JSON.parse(text), null, 2) : text);
        if (response.status >= 400) throw new CommandExit(1);
      } catch (error) {
        if (error instanceof SignatureRefusalError) {
          process.stderr.write(`oso: the broker's answer failed its signature check: ${error.message}\n`);
          throw new CommandExit(1);
        }
        throw error;
      } finally {
        client.close();
      }
    });
}

function credentials(options: RequestOptions, pkiDir: string): { cert: Buffer; key: Buffer } {
  if (options.cert || options.key) {
    if (!options.cert || !options.key) throw new UsageError('give both --cert and --key');
    return { cert: readFile(options.cert, 'certificate'), key: readFile(options.key, 'key') };
  }
  if (!options.as) throw new UsageError('say who calls: --as <vendor or auditor id>, or --cert and --key');
  for (const folder of ['vendors', 'auditors']) {
    const cert = join(pkiDir, folder, `${options.as}.crt`);
    if (existsSync(cert))
      return { cert: readFileSync(cert), key: readFile(join(pkiDir, folder, `${options.as}.key`), 'key') };
  }
  throw new UsageError(`no certificate for "${options.as}" in ${pkiDir} (run npm start, or oso pki issue)`);
}

function bodyOf(data: string): { bytes: Buffer; contentType: string } {
  if (!data.startsWith('@')) return { bytes: Buffer.from(data, 'utf8'), contentType: 'application/json' };
  const file = data.slice(1);
  const bytes = readFile(file, 'body file');
  return { bytes, contentType: /\.xml$/i.test(file) ? 'application/xml' : 'application/json' };
}

function readFile(file: string, what: string): Buffer {
  if (!existsSync(file)) throw new UsageError(`${what} ${file} does not exist`);
  return readFileSync(file);
}
