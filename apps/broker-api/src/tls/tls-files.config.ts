import { ConfigError, Environment, readConfig, setting } from '@app/config';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The files of the broker's TLS identity and client trust store. By default they are the development
 * PKI's; in production point them at the real server certificate and the trust store (e.g. the
 * PKIoverheid private-services CA bundle), and at its CRL or set TLS_CRL_FILE=none.
 */
export interface TlsFilesConfig {
  serverCertificateFile: string;
  serverKeyFile: string;
  clientCaFile: string;
  crlFile: string | null;
}

export function readTlsFilesConfig(
  env: Environment,
  defaults: { [K in keyof TlsFilesConfig]: string },
): TlsFilesConfig {
  const raw = readConfig(
    {
      TLS_SERVER_CERT_FILE: setting.text(defaults.serverCertificateFile),
      TLS_SERVER_KEY_FILE: setting.text(defaults.serverKeyFile),
      TLS_CLIENT_CA_FILE: setting.text(defaults.clientCaFile),
      TLS_CRL_FILE: setting.text(defaults.crlFile),
    },
    env,
  );
  const files: Array<[string, string]> = [
    ['TLS_SERVER_CERT_FILE', raw.TLS_SERVER_CERT_FILE],
    ['TLS_SERVER_KEY_FILE', raw.TLS_SERVER_KEY_FILE],
    ['TLS_CLIENT_CA_FILE', raw.TLS_CLIENT_CA_FILE],
  ];
  if (raw.TLS_CRL_FILE !== 'none') files.push(['TLS_CRL_FILE', raw.TLS_CRL_FILE]);
  for (const [variable, file] of files) {
    if (!existsSync(file)) {
      throw new ConfigError(
        variable,
        `points at ${resolve(file)}, which does not exist (create the development PKI with ` +
          '`npm run oso -- pki init`, or let `npm start` do it)',
      );
    }
  }
  return {
    serverCertificateFile: resolve(raw.TLS_SERVER_CERT_FILE),
    serverKeyFile: resolve(raw.TLS_SERVER_KEY_FILE),
    clientCaFile: resolve(raw.TLS_CLIENT_CA_FILE),
    crlFile: raw.TLS_CRL_FILE === 'none' ? null : resolve(raw.TLS_CRL_FILE),
  };
}
