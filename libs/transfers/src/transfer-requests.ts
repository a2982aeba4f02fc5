import { formatSchoolCode } from '@app/registry';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DossierVersionRepository } from './dossier-version-repository';
import { profileMisfit } from './exchange-profile';
import { PupilKey, hashPupilKey, pupilKeyProblem } from './pupil-key';
import { TransferAccess } from './transfer-access';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder } from './transfer-events';
import { TransferQueries } from './transfer-queries';
import { TransferRepository } from './transfer-repository';
import { awaitApproval, openTransferRequest } from './transfer-state-changes';
import { transferSchools } from './transfer-schools';
import { inLineTransaction, refuseWhenBusy } from './transfer-transactions';
import type { TransferSettings } from './transfer.service';
import type { TransferView } from './transfer-views';

export const TRANSFER_REASONS = ['overstap', 'verhuizing', 'herplaatsing', 'overig'] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export interface TransferRequest {
  targetSchool: string;
  sourceSchool: string;
  pupil: PupilKey;
  reason?: TransferReason | null;
}

/** The receiving side's request for a pupil's dossier, matched at once with a dossier staged ahead. */
export class TransferRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: TransferAccess,
    private readonly queries: TransferQueries,
    private readonly settings: TransferSettings,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  /** The receiving school's vendor asks for a pupil's dossier from the sending school. */
  request(vendor: ActingVendor, input: TransferRequest): Promise<Recorded<TransferView>> {
    return refuseWhenBusy(() => this.recordRequest(vendor, input));
  }

  private async recordRequest(vendor: ActingVendor, input: TransferRequest): Promise<Recorded<TransferView>> {
    const vendorId = vendor.id;
    const problem = pupilKeyProblem(input.pupil);
    if (problem) throw new TransferError('PUPIL_KEY_INVALID', 'invalid', `pupil: ${problem}.`);
    const target = await this.access.school(input.targetSchool, 'targetSchool');
    const source = await this.access.school(input.sourceSchool, 'sourceSchool');
    if (target.id === source.id) {
      throw new TransferError('SAME_SCHOOL', 'invalid', 'targetSchool and sourceSchool are the same school.');
    }
    await this.access.requireMandate(vendorId, target, 'target');
    const pupilKeyHash = hashPupilKey(input.pupil, this.settings.pupilKeySecret);
    const now = this.clock();

    const schools = transferSchools(source, target);
    const trail = new EntryTrail(this.recorder);
    let shown = 0;
    const line = { sourceSchoolId: source.id, pupilKeyHash };
    const transferId = await inLineTransaction(this.dataSource, trail, line, async (manager) => {
      const open = await new TransferRepository(manager).openBetween(target.id, source.id, pupilKeyHash);
      if (open) {
        throw new TransferError(
          'TRANSFER_ALREADY_OPEN',
          'conflict',
          `There is already an open transfer for this pupil from ${formatSchoolCode(source)} to ${formatSchoolCode(target)}: ${open.id}.`,
          { transferId: open.id },
        );
      }
      const transfer = await openTransferRequest(
        manager,
        trail,
        {
          id: randomUUID(),
          targetSchoolId: target.id,
          sourceSchoolId: source.id,
          pupilKeyHash,
          reason: input.reason ?? null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.settings.requestLifetimeDays * 86_400_000),
        },
        schools,
        vendor,
      );
      // The requester is told of its request's own entries only: the match below is the sender's to
      // approve, and the requester learns nothing of it until then (issue #11, item 1).
      await trail.recordIn(manager);
      shown = trail.recordedCount;
      // A dossier staged before the request is matched now, if it fits the receiving school; it waits
      // for the sender to name this school. After a retraction of the line's newest version nothing is:
      // the sender took it back, and an older one was already replaced by the sender's own choice
      // (docs/decisions.md, "Retraction").
      const versions = new DossierVersionRepository(manager);
      const newest = await versions.latestInLine(source.id, pupilKeyHash);
      const staged =
        newest?.retractedAt === null ? await versions.latestLiveInLine(source.id, pupilKeyHash) : null;
      if (staged && !profileMisfit(staged, source, target)) {
        await awaitApproval(
          manager,
          trail,
          transfer,
          schools,
          staged,
          { actor: 'broker', vendor: null },
          now,
        );
      }
      return transfer.id;
    });
    return trail.answer(await this.queries.view(vendorId, transferId), shown);
  }
}
