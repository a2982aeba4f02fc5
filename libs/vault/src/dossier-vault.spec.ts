import { randomBytes } from 'node:crypto';
import { DossierVault } from './dossier-vault';
import { SealedPayload, shredDataKey } from './sealed-payload';
import { readVaultConfig } from './vault.config';
import { VaultError, VaultErrorCode } from './vault-error';

const oldKek = randomBytes(32).toString('base64');
const newKek = randomBytes(32).toString('base64');
const vaultWith = (keks: string, active: string): DossierVault =>
  new DossierVault(readVaultConfig({ VAULT_KEKS: keks, VAULT_ACTIVE_KEK: active }));

const CONTEXT = 'transfer:7d0c1c4e-2f4b-4d7e-9a51-0c1f3e0b6a11/version:1';
// Distinctive enough that a plaintext fragment in the output would be found, long enough to span blocks.
const dossier = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?><leerling><bsn>123456782</bsn><achternaam>Jansen</achternaam>` +
    `<opmerking>${'Vertrouwelijk onderwijskundig rapport. '.repeat(40)}</opmerking></leerling>`,
  'utf8',
);

function vaultErrorOf(action: () => unknown): VaultError {
  try {
    action();
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error('the vault accepted the payload');
}

function expectRefused(action: () => unknown, code: VaultErrorCode): VaultError {
  const error = vaultErrorOf(action);
  expect(error.code).toBe(code);
  expect(error.message.startsWith(`${code}: `)).toBe(true);
  // No key material, plaintext or context in what a log would show.
  for (const secret of [oldKek, newKek, 'Jansen', '123456782', CONTEXT])
    expect(error.message).not.toContain(secret);
  return error;
}

/** Flips one bit, so a test proves a single changed bit is noticed. */
function flipped(bytes: Buffer, at = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

describe('DossierVault', () => {
  const vault = vaultWith(`old-1:${oldKek}`, 'old-1');

  it('opens what it sealed, with the same context', () => {
    const sealed = vault.seal(dossier, CONTEXT);
    expect(vault.open(sealed, CONTEXT)).toEqual(dossier);
    expect(sealed.kekId).toBe('old-1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.wrapIv).toHaveLength(12);
    expect(sealed.wrapTag).toHaveLength(16);
    expect(sealed.wrappedKey).toHaveLength(32);
  });

  it('opens an empty payload too', () => {
    expect(vault.open(vault.seal(Buffer.alloc(0), CONTEXT), CONTEXT)).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh data key and fresh IVs for every seal', () => {
    const first = vault.seal(dossier, CONTEXT);
    const second = vault.seal(dossier, CONTEXT);
    expect(second.iv.equals(first.iv)).toBe(false);
    expect(second.wrapIv.equals(first.wrapIv)).toBe(false);
    expect(second.ciphertext.equals(first.ciphertext)).toBe(false);
    expect(second.wrappedKey?.equals(first.wrappedKey as Buffer)).toBe(false);
    // A fresh key, not only a fresh IV: each wrapped key, unwrapped, opens only its own ciphertext.
    expectRefused(
      () =>
        vault.open(
          { ...second, wrappedKey: first.wrappedKey, wrapIv: first.wrapIv, wrapTag: first.wrapTag },
          CONTEXT,
        ),
      'VAULT_INTEGRITY',
    );
  });

  it('stores no plaintext: neither the dossier nor a fragment of it appears in any field', () => {
    const sealed = vault.seal(dossier, CONTEXT);
    const stored = Buffer.concat([
      sealed.ciphertext,
      sealed.iv,
      sealed.tag,
      sealed.wrappedKey as Buffer,
      sealed.wrapIv,
      sealed.wrapTag,
    ]);
    expect(sealed.ciphertext).toHaveLength(dossier.length);
    for (const fragment of ['Jansen', '123456782', 'Vertrouwelijk', '<leerling>']) {
      expect(stored.includes(Buffer.from(fragment))).toBe(false);
    }
    // GCM is a stream mode: the ciphertext is the plaintext XOR a keystream, so "different from the plaintext"
    // must hold byte by byte, not only as a whole.
    let same = 0;
    for (let i = 0; i < dossier.length; i++) if (sealed.ciphertext[i] === dossier[i]) same++;
    expect(same).toBeLessThan(dossier.length / 16);
  });

  describe('refuses a tampered or swapped payload with VAULT_INTEGRITY', () => {
    const sealed = vault.seal(dossier, CONTEXT);
    const wrappedKey = sealed.wrappedKey as Buffer;
    it.each<[string, SealedPayload, string]>([
      ['a bit of the ciphertext', { ...sealed, ciphertext: flipped(sealed.ciphertext, 100) }, CONTEXT],
      [
        'the last byte of the ciphertext',
        { ...sealed, ciphertext: flipped(sealed.ciphertext, sealed.ciphertext.length - 1) },
        CONTEXT,
      ],
      ['a truncated ciphertext', { ...sealed, ciphertext: sealed.ciphertext.subarray(0, -1) }, CONTEXT],
      ['the tag', { ...sealed, tag: flipped(sealed.tag, 15) }, CONTEXT],
      ['a tag truncated to 4 bytes', { ...sealed, tag: sealed.tag.subarray(0, 4) }, CONTEXT],
      ['the IV', { ...sealed, iv: flipped(sealed.iv) }, CONTEXT],
      ['the wrapped key', { ...sealed, wrappedKey: flipped(wrappedKey, 31) }, CONTEXT],
      ['the wrap IV', { ...sealed, wrapIv: flipped(sealed.wrapIv) }, CONTEXT],
      ['the wrap tag', { ...sealed, wrapTag: flipped(sealed.wrapTag) }, CONTEXT],
      ['the context (another version of the transfer)', sealed, CONTEXT.replace('version:1', 'version:2')],
      ['the context by one character', sealed, `${CONTEXT} `],
    ])('%s', (_case, tampered, context) => {
      expectRefused(() => vault.open(tampered, context), 'VAULT_INTEGRITY');
    });

    it('the payload of another record, moved with its wrapped key', () => {
      const other = vault.seal(Buffer.from('another dossier'), 'transfer:other/version:1');
      expectRefused(() => vault.open(other, CONTEXT), 'VAULT_INTEGRITY');
    });

    it('the ciphertext of another record under this record`s wrapped key', () => {
      const other = vault.seal(dossier, 'transfer:other/version:1');
      expectRefused(
        () => vault.open({ ...sealed, ciphertext: other.ciphertext, iv: other.iv, tag: other.tag }, CONTEXT),
        'VAULT_INTEGRITY',
      );
    });

    it('a key id changed to another configured KEK', () => {
      const both = vaultWith(`old-1:${oldKek},new-1:${newKek}`, 'old-1');
      const sealedHere = both.seal(dossier, CONTEXT);
      expectRefused(() => both.open({ ...sealedHere, kekId: 'new-1' }, CONTEXT), 'VAULT_INTEGRITY');
    });

    it('while the untouched payload still opens (so the refusals above are not a broken vault)', () => {
      expect(vault.open(sealed, CONTEXT)).toEqual(dossier);
    });
  });

  it('refuses a shredded payload with VAULT_KEY_SHREDDED, and cannot re-wrap it', () => {
    const shredded = shredDataKey(vault.seal(dossier, CONTEXT));
    expect(shredded.wrappedKey).toBeNull();
    expectRefused(() => vault.open(shredded, CONTEXT), 'VAULT_KEY_SHREDDED');
    expectRefused(() => vault.rewrap(shredded, CONTEXT), 'VAULT_KEY_SHREDDED');
  });

  it('refuses a payload of an unknown KEK with VAULT_KEK_UNKNOWN, naming the id', () => {
    const sealed = vault.seal(dossier, CONTEXT);
    const elsewhere = vaultWith(`new-1:${newKek}`, 'new-1');
    expect(expectRefused(() => elsewhere.open(sealed, CONTEXT), 'VAULT_KEK_UNKNOWN').message).toContain(
      '"old-1"',
    );
    expect(
      expectRefused(() => elsewhere.open({ ...sealed, kekId: oldKek }, CONTEXT), 'VAULT_KEK_UNKNOWN').message,
    ).toContain('not a valid key id');
  });

  it('refuses an empty context when sealing and opening', () => {
    expectRefused(() => vault.seal(dossier, ''), 'VAULT_CONTEXT_INVALID');
    expectRefused(() => vault.open(vault.seal(dossier, CONTEXT), ''), 'VAULT_CONTEXT_INVALID');
  });

  it('refuses a configuration whose active KEK is missing', () => {
    const { keks } = readVaultConfig({ VAULT_KEKS: `old-1:${oldKek}`, VAULT_ACTIVE_KEK: 'old-1' });
    expect(() => new DossierVault({ keks, activeKekId: 'new-1' })).toThrow(
      /"new-1" is not among the configured keys/,
    );
  });

  describe('a companion sealed under the payload`s data key', () => {
    const COMPANION_CONTEXT = `${CONTEXT}:gate-facts`;
    const facts = Buffer.from('{"pupilBirthDate":"2013-04-05"}');
    const sealedBoth = () => vault.sealWithCompanion(dossier, CONTEXT, facts, COMPANION_CONTEXT);

    it('opens alone, and the payload opens as one sealed by `seal`', () => {
      const { payload, companion } = sealedBoth();
      expect(vault.openCompanion(payload, CONTEXT, companion, COMPANION_CONTEXT)).toEqual(facts);
      expect(vault.open(payload, CONTEXT)).toEqual(dossier);
      expect(companion.iv.equals(payload.iv)).toBe(false);
      expect(companion.ciphertext.includes(Buffer.from('2013-04-05'))).toBe(false);
    });

    it.each<[string, (sealed: ReturnType<typeof sealedBoth>) => () => unknown]>([
      ['its own context', (s) => () => vault.openCompanion(s.payload, CONTEXT, s.companion, `${CONTEXT}:x`)],
      ['the payload`s context', (s) => () => vault.openCompanion(s.payload, CONTEXT, s.companion, CONTEXT)],
      [
        'a flipped bit',
        (s) => () =>
          vault.openCompanion(
            s.payload,
            CONTEXT,
            { ...s.companion, ciphertext: flipped(s.companion.ciphertext) },
            COMPANION_CONTEXT,
          ),
      ],
      [
        'another payload`s key',
        (s) => () => vault.openCompanion(sealedBoth().payload, CONTEXT, s.companion, COMPANION_CONTEXT),
      ],
      ['opened as the payload', (s) => () => vault.open({ ...s.payload, ...s.companion }, CONTEXT)],
      [
        'the payload opened as a companion',
        (s) => () => vault.openCompanion(s.payload, CONTEXT, s.payload, COMPANION_CONTEXT),
      ],
    ])('is refused with VAULT_INTEGRITY: %s', (_case, attempt) => {
      expectRefused(attempt(sealedBoth()), 'VAULT_INTEGRITY');
    });

    it('goes with the payload`s key: shredded with it, readable after its re-wrap alone', () => {
      const { payload, companion } = sealedBoth();
      expectRefused(
        () => vault.openCompanion(shredDataKey(payload), CONTEXT, companion, COMPANION_CONTEXT),
        'VAULT_KEY_SHREDDED',
      );
      const during = vaultWith(`old-1:${oldKek},new-1:${newKek}`, 'new-1');
      const after = vaultWith(`new-1:${newKek}`, 'new-1');
      const rewrapped = during.rewrap(payload, CONTEXT);
      expect(after.openCompanion(rewrapped, CONTEXT, companion, COMPANION_CONTEXT)).toEqual(facts);
    });
  });

  describe('rotation', () => {
    const before = vaultWith(`old-1:${oldKek}`, 'old-1');
    const during = vaultWith(`old-1:${oldKek},new-1:${newKek}`, 'new-1');
    const after = vaultWith(`new-1:${newKek}`, 'new-1');

    it('re-wraps under the new active KEK; it then opens with only the new KEK, ciphertext untouched', () => {
      const sealed = before.seal(dossier, CONTEXT);
      const ciphertext = Buffer.from(sealed.ciphertext);
      expect(during.needsRewrap(sealed)).toBe(true);
      expect(during.open(sealed, CONTEXT)).toEqual(dossier); // old payloads stay readable during rotation

      const rewrapped = during.rewrap(sealed, CONTEXT);
      expect(rewrapped.kekId).toBe('new-1');
      expect(during.needsRewrap(rewrapped)).toBe(false);
      expect(rewrapped.ciphertext.equals(ciphertext)).toBe(true);
      expect(rewrapped.iv.equals(sealed.iv)).toBe(true);
      expect(rewrapped.tag.equals(sealed.tag)).toBe(true);
      expect(rewrapped.wrappedKey?.equals(sealed.wrappedKey as Buffer)).toBe(false);
      expect(rewrapped.wrapIv.equals(sealed.wrapIv)).toBe(false);

      expect(after.open(rewrapped, CONTEXT)).toEqual(dossier);
      expectRefused(() => after.open(sealed, CONTEXT), 'VAULT_KEK_UNKNOWN');
      // The original row object is not changed in place.
      expect(sealed.kekId).toBe('old-1');
    });

    it('re-wraps only with the right context', () => {
      const sealed = before.seal(dossier, CONTEXT);
      expectRefused(() => during.rewrap(sealed, 'transfer:other/version:1'), 'VAULT_INTEGRITY');
    });

    it('seals new payloads with the active KEK', () => {
      expect(during.seal(dossier, CONTEXT).kekId).toBe('new-1');
      expect(during.needsRewrap(shredDataKey(before.seal(dossier, CONTEXT)))).toBe(false);
    });
  });
});
