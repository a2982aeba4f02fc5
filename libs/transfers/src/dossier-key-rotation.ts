import type { DossierVault } from '@app/vault';
import { DataSource } from 'typeorm';
import { sealedOf, versionContext } from './dossier-sealing';
import { DossierVersionRepository } from './dossier-version-repository';

const BATCH = 100;

/**
 * Re-wraps the data key of every stored dossier version that is not yet under the vault's active
 * key-encryption key. The ciphertexts stay as they are; only the small wrapped keys change, a batch per
 * transaction with row locks, so the broker keeps running. Afterwards the old KEK can be removed from
 * the configuration (and, once backups holding it have expired, destroyed).
 */
export async function rotateDossierKeys(
  dataSource: DataSource,
  vault: Pick<DossierVault, 'rewrap'>,
  activeKekId: string,
): Promise<{ rewrapped: number; alreadyCurrent: number }> {
  let rewrapped = 0;
  for (;;) {
    const done = await dataSource.transaction(async (manager) => {
      const versions = new DossierVersionRepository(manager);
      const batch = await versions.lockNotUnderKek(activeKekId, BATCH);
      for (const version of batch) {
        const sealed = vault.rewrap(sealedOf(version), versionContext(version.id));
        await versions.rewrap(version.id, {
          wrappedKey: sealed.wrappedKey,
          wrapIv: sealed.wrapIv,
          wrapTag: sealed.wrapTag,
          kekId: sealed.kekId,
        });
      }
      rewrapped += batch.length;
      return batch.length < BATCH;
    });
    if (done) break;
  }
  const alreadyCurrent = await new DossierVersionRepository(dataSource.manager).countUnderKek(activeKekId);
  return { rewrapped, alreadyCurrent: alreadyCurrent - rewrapped };
}
