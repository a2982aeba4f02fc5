import { ConfigError } from '@app/config';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createDevelopmentKekSet, readVaultConfig } from './vault.config';

const key32 = randomBytes(32).toString('base64');
const otherKey32 = randomBytes(32).toString('base64');

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    readVaultConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('readVaultConfig accepted the configuration');
}

describe('readVaultConfig', () => {
  it('reads several keys and the active id', () => {
    const config = readVaultConfig({
      VAULT_KEKS: `old-1:${key32}, new_2:${otherKey32}`,
      VAULT_ACTIVE_KEK: 'new_2',
    });
    expect([...config.keks.keys()]).toEqual(['old-1', 'new_2']);
    expect(config.activeKekId).toBe('new_2');
    expect(config.keks.get('old-1')?.export()).toEqual(Buffer.from(key32, 'base64'));
    expect(config.keks.get('new_2')?.export()).toEqual(Buffer.from(otherKey32, 'base64'));
  });

  it('shows no key bytes when the config is printed or serialised by mistake', () => {
    const config = readVaultConfig({ VAULT_KEKS: `k1:${key32}`, VAULT_ACTIVE_KEK: 'k1' });
    const keyHex = Buffer.from(key32, 'base64').toString('hex');
    for (const shown of [
      inspect(config, { depth: 10 }),
      JSON.stringify({ ...config, keks: [...config.keks] }),
    ]) {
      expect(shown).not.toContain(key32);
      expect(shown).not.toContain(keyHex);
    }
  });

  const shortKey = randomBytes(16).toString('base64');
  const longKey = randomBytes(33).toString('base64');
  const badBase64 = `${key32.slice(0, 20)}!${key32.slice(21)}`;
  it.each<[string, Record<string, string | undefined>, string, RegExp, string]>([
    [
      'VAULT_KEKS missing',
      { VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /must list the key-encryption keys.*it is not set/,
      '',
    ],
    ['VAULT_KEKS empty', { VAULT_KEKS: '', VAULT_ACTIVE_KEK: 'k1' }, 'VAULT_KEKS', /it is not set/, ''],
    ['VAULT_ACTIVE_KEK missing', { VAULT_KEKS: `k1:${key32}` }, 'VAULT_ACTIVE_KEK', /it is not set/, key32],
    [
      'bad base64',
      { VAULT_KEKS: `k1:${badBase64}`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /key "k1" \(entry 1\) is not valid base64/,
      badBase64,
    ],
    [
      'base64url instead of base64',
      { VAULT_KEKS: `k1:${'-_'.repeat(21)}A=`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /not valid base64/,
      '-_-_',
    ],
    [
      'a 16-byte key',
      { VAULT_KEKS: `k1:${key32},k2:${shortKey}`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /key "k2" \(entry 2\) is 16 bytes; it must be exactly 32/,
      shortKey,
    ],
    [
      'a 33-byte key',
      { VAULT_KEKS: `k1:${longKey}`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /is 33 bytes/,
      longKey,
    ],
    [
      'a key without id',
      { VAULT_KEKS: key32, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /entry 1 has no "id:"/,
      key32,
    ],
    [
      'key and id swapped',
      { VAULT_KEKS: `${key32.replace(/[+/=]/g, 'A')}:k1`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /entry 1 has an invalid id/,
      key32.replace(/[+/=]/g, 'A'),
    ],
    [
      'an empty entry',
      { VAULT_KEKS: `k1:${key32},`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /entry 2 is empty/,
      key32,
    ],
    [
      'a duplicate id',
      { VAULT_KEKS: `k1:${key32},k1:${otherKey32}`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /lists the id "k1" twice/,
      otherKey32,
    ],
    [
      'an id over 32 characters',
      { VAULT_KEKS: `${'k'.repeat(33)}:${key32}`, VAULT_ACTIVE_KEK: 'k1' },
      'VAULT_KEKS',
      /invalid id/,
      key32,
    ],
    [
      'active id not listed',
      { VAULT_KEKS: `k1:${key32}`, VAULT_ACTIVE_KEK: 'k2' },
      'VAULT_ACTIVE_KEK',
      /names "k2", which is not in VAULT_KEKS \(listed: k1\)/,
      key32,
    ],
    [
      'a key in VAULT_ACTIVE_KEK',
      { VAULT_KEKS: `k1:${key32}`, VAULT_ACTIVE_KEK: `k1:${key32}` },
      'VAULT_ACTIVE_KEK',
      /must be a key id/,
      key32,
    ],
  ])('refuses %s with one line naming the variable and no key', (_case, env, variable, problem, secret) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(error.message).toMatch(problem);
    expect(error.message).not.toContain('\n');
    if (secret !== '') expect(error.message).not.toContain(secret);
    // No recognisable part of any configured key either.
    for (const entry of (env.VAULT_KEKS ?? '').split(',')) {
      const encoded = entry.slice(entry.indexOf(':') + 1);
      if (encoded.length >= 16) expect(error.message).not.toContain(encoded.slice(0, 16));
    }
  });
});

describe('createDevelopmentKekSet', () => {
  it('gives environment strings that readVaultConfig accepts, with a fresh random key each time', () => {
    const first = createDevelopmentKekSet();
    const second = createDevelopmentKekSet();
    expect(first.VAULT_ACTIVE_KEK).toBe('dev-1');
    expect(first.VAULT_KEKS).toMatch(/^dev-1:[A-Za-z0-9+/]{43}=$/);
    expect(first.VAULT_KEKS).not.toBe(second.VAULT_KEKS);
    const config = readVaultConfig({ ...first });
    expect(config.keks.get('dev-1')?.export()).toEqual(
      Buffer.from(first.VAULT_KEKS.slice('dev-1:'.length), 'base64'),
    );
  });

  it('takes another id, and refuses one that is no id', () => {
    expect(createDevelopmentKekSet('dev-2').VAULT_ACTIVE_KEK).toBe('dev-2');
    expect(() => createDevelopmentKekSet('dev 2')).toThrow(/key id/);
  });
});
