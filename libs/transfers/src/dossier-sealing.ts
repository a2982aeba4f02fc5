import type { SealedPayload } from '@app/vault';
import { DossierVersionEntity } from './dossier-version.entity';

/** Binds a ciphertext to its row: a payload moved to another version does not decrypt. */
export function versionContext(versionId: string): string {
  return `oso-dossier-version:${versionId}`;
}

/** Whether the version's payload is gone (purged, retracted or recalled): nothing is left to open. */
export function payloadDestroyed(version: DossierVersionEntity): boolean {
  return version.purgedAt !== null || !version.ciphertext || !version.wrappedKey;
}

export function sealedOf(version: DossierVersionEntity): SealedPayload {
  return {
    ciphertext: version.ciphertext!,
    iv: version.iv!,
    tag: version.authTag!,
    wrappedKey: version.wrappedKey,
    wrapIv: version.wrapIv!,
    wrapTag: version.wrapTag!,
    kekId: version.kekId!,
  };
}
