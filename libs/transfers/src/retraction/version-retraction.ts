import { RegistryService, formatSchoolCode } from '@app/registry';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { DataSource, EntityManager } from 'typeorm';
import type { DossierVersionEntity } from '../dossier-version.entity';
import { DossierVersionRepository } from '../dossier-version-repository';
import { TransferAccess } from '../transfer-access';
import { TransferError } from '../transfer-error';
import {
  ActingVendor,
  EntryTrail,
  Recorded,
  RetractionReason,
  TransferEventRecorder,
  eventActor,
} from '../transfer-events';
import type { TransferQueries } from '../transfer-queries';
import { TransferRepository } from '../transfer-repository';
import { schoolsOfTransfers } from '../transfer-schools';
import { changeTransferState } from '../transfer-state-changes';
import { inRecordedTransaction, lockLine, refuseWhenBusy } from '../transfer-transactions';
import type { TransferEntity } from '../transfer.entity';
import type { TransferView } from '../transfer-views';

export interface RetractionInput {
  /** The canonical SHA-256 of the version (its `canonicalSha256`). */
  versionHash: string;
  reason: RetractionReason;
}

/** What a retraction of a version staged ahead answers: the versions taken back and the transfers that lost one. */
export interface RetractionResult {
  versionHash: string;
  reason: RetractionReason;
  /** The version numbers in the pupil's line with this content, all retracted now (or before). */
  versions: number[];
  retractedAt: string;
  /** Open transfers that were served the version and now wait for a dossier again (`requested`). */
  transfers: string[];
}

/** A pupil's line of versions at one sending school. */
interface Line {
  sourceSchoolId: string;
  pupilKeyHash: string;
}

const versionNotFound = (where: string) =>
  new TransferError(
    'VERSION_NOT_FOUND',
    'not_found',
    `No dossier version with this versionHash (its canonicalSha256) ${where}; nothing was retracted.`,
  );

/**
 * The sender takes back a version before it is released (wrong pupil, wrong content; #11, item 5). In one
 * transaction, on the pupil's line: every version of the line with that content has its key and ciphertext
 * destroyed at once, every open transfer it served goes back to `requested` without a current version
 * (a queued release then finds nothing to release: the worker checks state and version), and the log
 * records `version_retracted` with the reason token. A version released anywhere is refused: that one is
 * recalled instead. Retracting again changes nothing and records nothing.
 */
export class VersionRetraction {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly queries: TransferQueries,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  /** Through a transfer: a version of that transfer's pupil at its sending school. Answers the transfer. */
  forTransfer(
    vendor: ActingVendor,
    transferId: string,
    input: RetractionInput,
  ): Promise<Recorded<TransferView>> {
    return refuseWhenBusy(async () => {
      const { transfer, roles } = await this.access.visibleTransfer(vendor.id, transferId, 'source');
      const trail = new EntryTrail(this.recorder);
      await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const found = await this.retractInLine(manager, trail, vendor, transfer, input, transfer);
        if (found.length === 0) throw versionNotFound('for this transfer’s pupil at its sending school');
      });
      const after = await new TransferRepository(this.dataSource.manager).byId(transfer.id);
      return trail.answer(await this.queries.describe(after ?? transfer, roles));
    });
  }

  /** A version staged ahead (or any unreleased one) at a school the vendor may send for. */
  staged(vendor: ActingVendor, input: RetractionInput): Promise<Recorded<RetractionResult>> {
    return refuseWhenBusy(async () => {
      const { versions: candidates } = await this.access.versionsAtSendingSchools(
        vendor.id,
        input.versionHash,
      );
      if (candidates.length === 0) throw versionNotFound('at a school that mandated you to send for it');
      // The canonical content names the school and the pupil, so this is one line in practice.
      const lines = [
        ...new Map(
          candidates.map((version) => [`${version.sourceSchoolId}:${version.pupilKeyHash}`, version]),
        ).values(),
      ];
      const trail = new EntryTrail(this.recorder);
      const result = await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const versions: DossierVersionEntity[] = [];
        const transfers: string[] = [];
        for (const line of lines) {
          const lost = (id: string) => transfers.push(id);
          versions.push(...(await this.retractInLine(manager, trail, vendor, line, input, null, lost)));
        }
        return { versions, transfers };
      });
      return trail.answer({
        versionHash: input.versionHash,
        reason: result.versions[0]?.retractionReason ?? input.reason,
        versions: result.versions.map((version) => version.version).sort((a, b) => a - b),
        retractedAt: (result.versions[0]?.retractedAt ?? this.clock()).toISOString(),
        transfers: result.transfers,
      });
    });
  }

  /**
   * Retracts the line's versions with the hash, in the caller's transaction. Answers them (as they are
   * now; none when the line has no such version). `through` is the transfer the sender named, if any.
   */
  private async retractInLine(
    manager: EntityManager,
    trail: EntryTrail,
    vendor: ActingVendor,
    line: Line,
    input: RetractionInput,
    through: TransferEntity | null,
    lost: (transferId: string) => void = () => undefined,
  ): Promise<DossierVersionEntity[]> {
    // Serialised with staging and requests for this pupil, so no new match can pick the version up.
    await lockLine(manager, line.sourceSchoolId, line.pupilKeyHash);
    const versionRows = new DossierVersionRepository(manager);
    const versions = await versionRows.lockWithHashInLine(
      line.sourceSchoolId,
      line.pupilKeyHash,
      input.versionHash,
    );
    if (versions.length === 0) return versions;
    const ids = versions.map((version) => version.id);
    const transferRows = new TransferRepository(manager);
    // Locked before the release check: a worker releasing one of them right now commits first, and then
    // no longer counts as open but as released, so a released payload's key is never destroyed here.
    const open = (await transferRows.lockOpenInLine(line.sourceSchoolId, line.pupilKeyHash)).filter(
      (transfer) => transfer.currentVersionId !== null && ids.includes(transfer.currentVersionId),
    );
    if ((await transferRows.countReleasing(ids)) > 0) {
      throw new TransferError(
        'VERSION_ALREADY_RELEASED',
        'conflict',
        'This version was released to a receiving school; it cannot be retracted. Stage a corrected ' +
          'version for that transfer and send a recall notice for this one (POST /v1/transfers/{id}/recall).',
      );
    }
    const fresh = versions.filter((version) => version.retractedAt === null);
    if (fresh.length === 0) return versions;
    const now = this.clock();
    for (const version of fresh) {
      await versionRows.retract(version, now, input.reason);
      version.retractedAt = now;
      version.retractionReason = input.reason;
      version.purgedAt = version.purgedAt ?? now;
    }
    const [source] = await findSchoolsByIds(manager, [line.sourceSchoolId]);
    const schoolsOf = await schoolsOfTransfers(manager, through ? [...open, through] : open);
    for (const version of fresh) {
      const served = open.filter((transfer) => transfer.currentVersionId === version.id);
      trail.add({
        type: 'version_retracted',
        at: now,
        actor: eventActor('source_vendor', vendor),
        schools: through ? schoolsOf(through) : { source: formatSchoolCode(source), target: null },
        transferId: through?.id ?? null,
        versionHash: version.canonicalSha256,
        reason: input.reason,
        transfersAffected: served.length,
      });
    }
    for (const transfer of open) {
      const version = fresh.find((candidate) => candidate.id === transfer.currentVersionId);
      if (!version) continue;
      transfer.currentVersionId = null;
      await changeTransferState(manager, trail, transfer, schoolsOf(transfer), {
        event: 'retract_version',
        actor: 'source_vendor',
        vendor,
        version,
        at: now,
      });
      lost(transfer.id);
    }
    return versions;
  }
}
