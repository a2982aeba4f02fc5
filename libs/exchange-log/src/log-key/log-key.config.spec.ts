import { ConfigError } from '@app/config';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseVerifierKey, signNote, openNote } from '../checkpoint';
import {
  DEFAULT_LOG_ORIGIN,
  ensureLogSigningKey,
  loadLogSigningKey,
  readLogKeyConfig,
} from './log-key.config';

describe('the log key config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives next to the PKI by default', () => {
    const config = readLogKeyConfig({ PKI_DIR: dir });
    expect(config).toEqual({
      keyFile: join(dir, 'log-key'),
      verifierKeyFile: join(dir, 'log-key.pub'),
      origin: DEFAULT_LOG_ORIGIN,
    });
    expect(readLogKeyConfig({ EXCHANGE_LOG_KEY_FILE: 'elsewhere/key' }).keyFile).toBe(
      resolve('elsewhere/key'),
    );
  });

  it('says in one line which variable points where when the key is missing', () => {
    const config = readLogKeyConfig({ PKI_DIR: dir });
    expect(() => loadLogSigningKey(config)).toThrow(ConfigError);
    expect(() => loadLogSigningKey(config)).toThrow(
      new RegExp(
        `^Configuration error: EXCHANGE_LOG_KEY_FILE points at ${join(dir, 'log-key')}, which does not exist[^\\n]*$`,
      ),
    );
  });

  it('creates a key once, owner-readable, with its public verifier key beside it', () => {
    const config = readLogKeyConfig({ PKI_DIR: dir, EXCHANGE_LOG_ORIGIN: 'school.example/log' });
    const { key, created } = ensureLogSigningKey(config);
    expect(created).toBe(true);
    expect(key.name).toBe('school.example/log');
    expect(statSync(config.keyFile).mode & 0o777).toBe(0o600);
    const again = ensureLogSigningKey(config);
    expect(again.created).toBe(false);
    const note = signNote('school.example/log\n1\n' + Buffer.alloc(32).toString('base64') + '\n', again.key);
    const verifier = readFileSync(config.verifierKeyFile, 'utf8').trim();
    expect(parseVerifierKey(verifier).name).toBe('school.example/log');
    expect(openNote(note, [verifier]).verifiedBy).toHaveLength(1);
  });

  it('refuses a file that holds no signer key, without quoting it', () => {
    const config = readLogKeyConfig({ PKI_DIR: dir });
    ensureLogSigningKey(config);
    const verifierText = readFileSync(config.verifierKeyFile, 'utf8');
    writeFileSync(config.keyFile, verifierText);
    expect(() => loadLogSigningKey(config)).toThrow(/holds no C2SP Ed25519 signer key/);
  });
});
