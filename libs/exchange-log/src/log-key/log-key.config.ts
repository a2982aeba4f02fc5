import { ConfigError, Environment, readConfig, setting } from '@app/config';
import { readPkiConfig } from '@app/pki/pki.config';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LogSigningKey, generateLogSigningKey, parseSignerKey, signerKey, verifierKey } from '../checkpoint';

/**
 * Where the broker's Ed25519 log key lives: a file next to the PKI (default `certs/dev/log-key`, C2SP
 * signer-key text, owner-readable only), with its public verifier key beside it (`log-key.pub`), which
 * auditors and vendors use to check checkpoints (`oso audit verify --log-key`).
 */
export interface LogKeyConfig {
  keyFile: string;
  verifierKeyFile: string;
  /** The log's name (checkpoint origin and key name), used when a key is created. */
  origin: string;
}

export const DEFAULT_LOG_ORIGIN = 'localhost/oso-broker/exchange-log';

export function readLogKeyConfig(env: Environment = process.env): LogKeyConfig {
  const pkiDir = readPkiConfig(env).dir;
  const raw = readConfig(
    {
      EXCHANGE_LOG_KEY_FILE: setting.text(join(pkiDir, 'log-key')),
      EXCHANGE_LOG_ORIGIN: setting.text(DEFAULT_LOG_ORIGIN),
    },
    env,
  );
  const keyFile = resolve(raw.EXCHANGE_LOG_KEY_FILE);
  return { keyFile, verifierKeyFile: `${keyFile}.pub`, origin: raw.EXCHANGE_LOG_ORIGIN };
}

/** The signing key; a missing or unreadable file is a one-line ConfigError that says how to make one. */
export function loadLogSigningKey(config: LogKeyConfig): LogSigningKey {
  if (!existsSync(config.keyFile)) {
    throw new ConfigError(
      'EXCHANGE_LOG_KEY_FILE',
      `points at ${config.keyFile}, which does not exist (the exchange log cannot sign checkpoints ` +
        'without it; create a development key with `npm run oso -- pki init`)',
    );
  }
  try {
    return parseSignerKey(readFileSync(config.keyFile, 'utf8').trim());
  } catch {
    // Not quoted: the file holds a private key.
    throw new ConfigError(
      'EXCHANGE_LOG_KEY_FILE',
      `points at ${config.keyFile}, which holds no C2SP Ed25519 signer key`,
    );
  }
}

/**
 * Creates the key files when there are none (development: `pki init`, `npm start`); an existing key is
 * kept, since every checkpoint it signed must stay verifiable. Returns the key either way.
 */
export function ensureLogSigningKey(config: LogKeyConfig): { key: LogSigningKey; created: boolean } {
  if (existsSync(config.keyFile)) return { key: loadLogSigningKey(config), created: false };
  const key = generateLogSigningKey(config.origin);
  mkdirSync(dirname(config.keyFile), { recursive: true });
  writeFileSync(config.keyFile, `${signerKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(config.verifierKeyFile, `${verifierKey(key)}\n`, { mode: 0o644 });
  return { key, created: true };
}
