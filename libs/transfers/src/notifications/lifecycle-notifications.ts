import type { EntityManager } from 'typeorm';
import { DossierVersionRepository } from '../dossier-version-repository';
import type { TransferEntity } from '../transfer.entity';
import { queueNotification } from './queue-notification';

/* The notifications the lifecycle's own steps send, each in the step's transaction. */

/**
 * On release: the receiving vendor (the one that asked for the dossier) may fetch it now — `corrected`
 * when the transfer had released an earlier version, which this one supersedes.
 */
export async function notifyReleased(
  manager: EntityManager,
  transfer: TransferEntity,
  versionHash: string,
  kind: 'released' | 'corrected',
): Promise<void> {
  await queueNotification(manager, {
    vendorId: transfer.requestedByVendorId,
    transferId: transfer.id,
    kind,
    versionHash,
  });
}

/** On a recall: the receiving vendor learns that a version it received is recalled (the notice is signed). */
export async function notifyRecalled(
  manager: EntityManager,
  transfer: TransferEntity,
  versionHash: string,
): Promise<void> {
  await queueNotification(manager, {
    vendorId: transfer.requestedByVendorId,
    transferId: transfer.id,
    kind: 'recalled',
    versionHash,
  });
}

/**
 * On receipt: the sending school's vendor that staged the released version learns that the receiver has
 * it (the vendor that acted for the sender in this exchange, even when the school has several).
 */
export async function notifyReceived(manager: EntityManager, transfer: TransferEntity): Promise<void> {
  // A bug, not a refusal: receipt is only possible from `released`, which always names its version.
  if (transfer.releasedVersionId === null) throw new Error('a received transfer without a released version');
  // Its facts only: the payload (≈ the dossier's size, read from TOAST and sent as hex) is not needed here.
  const version = await new DossierVersionRepository(manager).factsByIdOrFail(transfer.releasedVersionId);
  await queueNotification(manager, {
    vendorId: version.stagedByVendorId,
    transferId: transfer.id,
    kind: 'received',
    versionHash: version.canonicalSha256,
  });
}
