import { randomBytes } from 'node:crypto';
import { DossierVault } from '../dossier-vault';
import { readVaultConfig } from '../vault.config';

/**
 * The three vaults of a key-encryption-key rotation, for tests: `before` knows only the old KEK, `during`
 * both with the new one active (what `oso vault rotate` runs with), `after` only the new one — so a test
 * proves the old key is no longer needed.
 */
export function kekRotationVaults(): { before: DossierVault; during: DossierVault; after: DossierVault } {
  const oldKek = `old:${randomBytes(32).toString('base64')}`;
  const newKek = `new:${randomBytes(32).toString('base64')}`;
  return {
    before: new DossierVault(readVaultConfig({ VAULT_KEKS: oldKek, VAULT_ACTIVE_KEK: 'old' })),
    during: new DossierVault(readVaultConfig({ VAULT_KEKS: `${oldKek},${newKek}`, VAULT_ACTIVE_KEK: 'new' })),
    after: new DossierVault(readVaultConfig({ VAULT_KEKS: newKek, VAULT_ACTIVE_KEK: 'new' })),
  };
}
