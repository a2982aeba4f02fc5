import { Environment, readConfig, setting } from '@app/config';
import { resolve } from 'node:path';
import { DEFAULT_LEAF_KEY_TYPE, LEAF_KEY_TYPES, LeafKeyType } from './leaf-key-type';

export const pkiConfigShape = {
  /** Where the development CA keeps its key, certificate, CRL and the certificates it issued. */
  PKI_DIR: setting.text('certs/dev'),
  /** Validity of certificates the development CA issues to vendors and auditors. */
  PKI_CLIENT_CERT_DAYS: setting.positiveInt(365),
  /** How long a published CRL stays valid; it is re-published well before (see CrlPublisher). */
  PKI_CRL_DAYS: setting.positiveInt(30),
  /** The key of vendor and auditor certificates `pki issue` makes unless told otherwise. */
  PKI_CLIENT_KEY_TYPE: setting.oneOf([...LEAF_KEY_TYPES], DEFAULT_LEAF_KEY_TYPE),
  /** The key of the broker's own certificates (server, webhook client) that `pki init` makes. */
  PKI_SERVER_KEY_TYPE: setting.oneOf([...LEAF_KEY_TYPES], DEFAULT_LEAF_KEY_TYPE),
};

export interface PkiConfig {
  dir: string;
  clientCertificateDays: number;
  crlDays: number;
  /** Default for `issue`; P-256 when absent. */
  clientKeyType?: LeafKeyType;
  /** Default for `init`; P-256 when absent. */
  serverKeyType?: LeafKeyType;
}

export function readPkiConfig(env?: Environment): PkiConfig {
  const raw = readConfig(pkiConfigShape, env);
  return {
    dir: resolve(raw.PKI_DIR),
    clientCertificateDays: raw.PKI_CLIENT_CERT_DAYS,
    crlDays: raw.PKI_CRL_DAYS,
    clientKeyType: raw.PKI_CLIENT_KEY_TYPE,
    serverKeyType: raw.PKI_SERVER_KEY_TYPE,
  };
}
