import { Environment, readConfig, setting } from '@app/config';
import { resolve } from 'node:path';

export const pkiConfigShape = {
  /** Where the development CA keeps its key, certificate, CRL and the certificates it issued. */
  PKI_DIR: setting.text('certs/dev'),
  /** Validity of certificates the development CA issues to vendors and auditors. */
  PKI_CLIENT_CERT_DAYS: setting.positiveInt(365),
  /** How long a published CRL stays valid; it is re-published well before (see CrlPublisher). */
  PKI_CRL_DAYS: setting.positiveInt(30),
};

export interface PkiConfig {
  dir: string;
  clientCertificateDays: number;
  crlDays: number;
}

export function readPkiConfig(env?: Environment): PkiConfig {
  const raw = readConfig(pkiConfigShape, env);
  return {
    dir: resolve(raw.PKI_DIR),
    clientCertificateDays: raw.PKI_CLIENT_CERT_DAYS,
    crlDays: raw.PKI_CRL_DAYS,
  };
}
