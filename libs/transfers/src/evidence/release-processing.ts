import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { DataSource } from 'typeorm';
import { DossierVersionRepository } from '../dossier-version-repository';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import { TransferRepository } from '../transfer-repository';
import { transferSchools } from '../transfer-schools';
import { changeTransferState } from '../transfer-state-changes';
import { inRecordedTransaction } from '../transfer-transactions';
import type { DossierSealer } from '../transfer.service';
import { notifyReleased } from '../notifications/lifecycle-notifications';
import { EvidenceRepository } from './evidence-repository';
import { applyGateDecision, boardReleasePolicy, decideForVersion, dossierGateFacts } from './release-gating';

/** One queued release: the transfer and the content the gate allowed (the job's id is made from both). */
export interface ReleaseJob {
  transferId: string;
  versionHash: string;
}

/**
 * What the worker did: `released`; `gate_changed` (the gate no longer says release: the transfer went
 * back to wait or block); `nothing` (not release_queued for this content any more — released already, a
 * withdrawal or a new version came first — so a second delivery of a job changes nothing).
 */
export type ReleaseOutcome = 'released' | 'gate_changed' | 'nothing';

/** `${transferId}_${versionHash}`: BullMQ refuses ':' in a custom job id (it separates its own keys). */
export function releaseJobId(job: ReleaseJob): string {
  return `${job.transferId}_${job.versionHash}`;
}

/**
 * The release worker's step, in ONE transaction: lock the transfer, check that it still waits in
 * `release_queued` with this content current, ask the gate again with the stored evidence (the same
 * `decideForVersion` the evidence API uses), and release — or act on the gate's new answer. The row lock
 * and the state machine (`release` only from `release_queued`) make a second release impossible.
 */
export async function releaseQueuedTransfer(
  dataSource: DataSource,
  sealer: DossierSealer,
  recorder: TransferEventRecorder,
  job: ReleaseJob,
  now: Date,
): Promise<ReleaseOutcome> {
  const trail = new EntryTrail(recorder);
  return inRecordedTransaction(dataSource, trail, async (manager) => {
    const transfer = await new TransferRepository(manager).lockById(job.transferId);
    if (transfer.state !== 'release_queued' || transfer.currentVersionId === null) return 'nothing';
    const versions = new DossierVersionRepository(manager);
    // Without the ciphertext: the gate's facts are sealed apart (a few hundred bytes), in the same read.
    const { version, keepsInzageOf } = await versions.forGateByIdOrFail(transfer.currentVersionId);
    if (version.canonicalSha256 !== job.versionHash) return 'nothing';
    const found = await findSchoolsByIds(manager, [transfer.sourceSchoolId, transfer.targetSchoolId]);
    const source = found.find((school) => school.id === transfer.sourceSchoolId);
    const target = found.find((school) => school.id === transfer.targetSchoolId);
    // A bug, not a refusal: a transfer always names registered schools, and schools are never deleted.
    if (!source || !target) throw new Error('a queued transfer names a school the registry does not hold');
    const schools = transferSchools(source, target);
    const decision = decideForVersion({
      source,
      transfer,
      version,
      facts: await dossierGateFacts(sealer, versions, version),
      evidence: await new EvidenceRepository(manager).ofTransfer(transfer.id),
      now,
      // Asked again, as the gate is: a board's newer instruction in effect now is the one that counts.
      policy: await boardReleasePolicy(manager, source, now),
      keepsInzageOf,
    });
    // Logs the decision; moves the transfer back to wait or block when the gate says so.
    await applyGateDecision(manager, trail, transfer, schools, version, decision, now);
    if (decision.outcome !== 'release') return 'gate_changed';
    // A transfer that released an earlier version is releasing its correction (#11, item 5).
    const kind = transfer.releasedVersionId === null ? 'released' : 'corrected';
    transfer.releasedVersionId = version.id;
    await changeTransferState(manager, trail, transfer, schools, {
      event: 'release',
      actor: 'broker',
      vendor: null,
      version,
      at: now,
    });
    await notifyReleased(manager, transfer, version.canonicalSha256, kind);
    return 'released';
  });
}
