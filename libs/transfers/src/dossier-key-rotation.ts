import type { DossierVault } from '@app/vault';
import { DataSource, EntityManager } from 'typeorm';
import { sealedOf, versionContext } from './dossier-sealing';
import { DossierVersionRepository } from './dossier-version-repository';
import { ConsentDeclarationRepository } from './evidence/consent-declaration-repository';
import { declarationContext, sealedDeclaration } from './evidence/consent-declarations';

const BATCH = 100;

/** Data keys of `rewrappedCount` dossier versions moved from one key-encryption key to another. */
export interface DossierKeysRewrapped {
  at: Date;
  fromKekId: string;
  toKekId: string;
  rewrappedCount: number;
}

/**
 * Where a rotation's progress goes (the exchange log's `vault_key_rotated`, plugged in by `oso vault
 * rotate`; this library does not know the log). `record` runs in the batch's transaction: when it throws,
 * the batch's re-wraps roll back with it.
 */
export interface KeyRotationRecorder {
  record(manager: EntityManager, rewrapped: DossierKeysRewrapped): Promise<void>;
}

export const NO_KEY_ROTATION_EVENTS: KeyRotationRecorder = { record: async () => undefined };

/**
 * Re-wraps the data key of every stored dossier version that is not yet under the vault's active
 * key-encryption key. The ciphertexts stay as they are; only the small wrapped keys change, a batch per
 * transaction with row locks, so the broker keeps running. Each batch records what it re-wrapped, per old
 * key, in its own transaction. Afterwards the old KEK can be removed from the configuration (and, once
 * backups holding it have expired, destroyed).
 */
export async function rotateDossierKeys(
  dataSource: DataSource,
  vault: Pick<DossierVault, 'rewrap'>,
  activeKekId: string,
  recorder: KeyRotationRecorder = NO_KEY_ROTATION_EVENTS,
): Promise<{ rewrapped: number; alreadyCurrent: number }> {
  let rewrapped = 0;
  for (;;) {
    const done = await dataSource.transaction(async (manager) => {
      const versions = new DossierVersionRepository(manager);
      const batch = await versions.lockNotUnderKek(activeKekId, BATCH);
      const fromKeks = new Map<string, number>();
      for (const version of batch) {
        const previous = sealedOf(version);
        const sealed = vault.rewrap(previous, versionContext(version.id));
        await versions.rewrap(version.id, {
          wrappedKey: sealed.wrappedKey,
          wrapIv: sealed.wrapIv,
          wrapTag: sealed.wrapTag,
          kekId: sealed.kekId,
        });
        fromKeks.set(previous.kekId, (fromKeks.get(previous.kekId) ?? 0) + 1);
      }
      // Consent declaration documents are sealed the same way (#11): their keys move with the versions'.
      const declarations = new ConsentDeclarationRepository(manager);
      const documents = await declarations.lockNotUnderKek(activeKekId, BATCH);
      for (const document of documents) {
        const previous = sealedDeclaration(document);
        const sealed = vault.rewrap(previous, declarationContext(document.evidenceId));
        await declarations.rewrap(document.evidenceId, {
          wrappedKey: sealed.wrappedKey,
          wrapIv: sealed.wrapIv,
          wrapTag: sealed.wrapTag,
          kekId: sealed.kekId,
        });
        fromKeks.set(previous.kekId, (fromKeks.get(previous.kekId) ?? 0) + 1);
      }
      const at = new Date();
      for (const [fromKekId, rewrappedCount] of fromKeks) {
        await recorder.record(manager, { at, fromKekId, toKekId: activeKekId, rewrappedCount });
      }
      rewrapped += batch.length + documents.length;
      return batch.length < BATCH && documents.length < BATCH;
    });
    if (done) break;
  }
  const alreadyCurrent =
    (await new DossierVersionRepository(dataSource.manager).countUnderKek(activeKekId)) +
    (await new ConsentDeclarationRepository(dataSource.manager).countUnderKek(activeKekId));
  return { rewrapped, alreadyCurrent: alreadyCurrent - rewrapped };
}
