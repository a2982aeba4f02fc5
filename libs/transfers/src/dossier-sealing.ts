import type { SealedPayload, WrappedDataKey } from '@app/vault';
import { DossierVersionEntity } from './dossier-version.entity';

/** Binds a ciphertext to its row: a payload moved to another version does not decrypt. */
export function versionContext(versionId: string): string {
  return `oso-dossier-version:${versionId}`;
}

/**
 * The context of the gate's facts sealed with the version (`sealedGateFacts`): distinct from the payload's,
 * so neither ciphertext opens as the other (the vault's companion AAD keeps them apart as well).
 */
export function gateFactsContext(versionId: string): string {
  return `${versionContext(versionId)}:gate-facts`;
}

/**
 * Whether the version's payload is gone (purged, retracted or recalled): nothing is left to open. The
 * database allows a ciphertext only while `purged_at` is null, so this needs no ciphertext loaded.
 */
export function payloadDestroyed(version: Pick<DossierVersionEntity, 'purgedAt' | 'wrappedKey'>): boolean {
  return version.purgedAt !== null || !version.wrappedKey;
}

export function wrappedKeyOf(
  version: Pick<DossierVersionEntity, 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'kekId'>,
): WrappedDataKey {
  return {
    wrappedKey: version.wrappedKey,
    wrapIv: version.wrapIv!,
    wrapTag: version.wrapTag!,
    kekId: version.kekId!,
  };
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
