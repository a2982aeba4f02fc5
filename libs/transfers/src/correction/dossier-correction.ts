import type { DossierFacts } from '@app/oso-dataset';
import type { SchoolEntity } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { EntityManager } from 'typeorm';
import type { DossierVersionEntity } from '../dossier-version.entity';
import { gateOnStaging } from '../evidence/release-gating';
import { TransferError } from '../transfer-error';
import type { ActingVendor, EntryTrail } from '../transfer-events';
import type { TransferState } from '../transfer-lifecycle';
import { TransferRepository } from '../transfer-repository';
import { transferSchools } from '../transfer-schools';
import { serveVersion } from '../transfer-state-changes';

/** After release the sender may stage a corrected version for the transfer (#11, item 5). */
export const CORRECTABLE_STATES: readonly TransferState[] = ['released', 'received'];

/**
 * Serves a corrected version to a released (or received) transfer, in the staging transaction: the
 * transfer goes back to `dossier_staged` (`stage_correction`) and the gate starts over for the new
 * version, which needs its own evidence. `releasedVersionId` keeps the released version — the receiver
 * may still fetch it — until the release worker releases the correction. Answers the transfer's id.
 */
export async function stageCorrection(
  manager: EntityManager,
  trail: EntryTrail,
  staged: {
    transferId: string;
    source: SchoolEntity;
    version: DossierVersionEntity;
    facts: DossierFacts;
    vendor: ActingVendor;
    now: Date;
  },
): Promise<string> {
  const transfers = new TransferRepository(manager);
  const transfer = await transfers.lockById(staged.transferId);
  if (!CORRECTABLE_STATES.includes(transfer.state)) {
    // Another step came first (e.g. the purge); the version stays staged, nothing else changes.
    throw new TransferError(
      'TRANSFER_STATE_CONFLICT',
      'conflict',
      `The transfer is ${transfer.state}; a corrected version can only follow a release.`,
    );
  }
  // A released transfer reopens: at most one open transfer per pupil between two schools (uq_transfers_open).
  const open = await transfers.openBetween(
    transfer.targetSchoolId,
    transfer.sourceSchoolId,
    transfer.pupilKeyHash,
  );
  if (open) {
    throw new TransferError(
      'TRANSFER_STATE_CONFLICT',
      'conflict',
      `Another open transfer for this pupil between these schools exists (${open.id}); stage the corrected version for that one.`,
    );
  }
  const [target] = await findSchoolsByIds(manager, [transfer.targetSchoolId]);
  // A bug, not a refusal: a transfer always names a registered school.
  if (!target) throw new Error('a transfer names a school the registry does not hold');
  const schools = transferSchools(staged.source, target);
  const { version, facts, now } = staged;
  await serveVersion(
    manager,
    trail,
    transfer,
    schools,
    version,
    { actor: 'source_vendor', vendor: staged.vendor, event: 'stage_correction' },
    now,
    (served) =>
      gateOnStaging(manager, trail, {
        transfer: served,
        schools,
        source: staged.source,
        version,
        facts,
        now,
      }),
  );
  return transfer.id;
}
