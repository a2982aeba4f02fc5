import { formatSchoolCode } from '@app/registry';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull } from 'typeorm';
import { DossierVersionEntity } from './dossier-version.entity';
import { PupilKey, hashPupilKey, pupilKeyProblem } from './pupil-key';
import { TransferAccess } from './transfer-access';
import { TransferError } from './transfer-error';
import { TransferQueries } from './transfer-queries';
import {
  OPEN_STATES,
  inTransaction,
  lockLine,
  record,
  refuseWhenBusy,
  serveVersion,
  versionMisfit,
} from './transfer-transactions';
import { TransferEntity } from './transfer.entity';
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
    private readonly clock: () => Date,
  ) {}

  /** The receiving school's vendor asks for a pupil's dossier from the sending school. */
  request(vendorId: string, input: TransferRequest): Promise<TransferView> {
    return refuseWhenBusy(() => this.recordRequest(vendorId, input));
  }

  private async recordRequest(vendorId: string, input: TransferRequest): Promise<TransferView> {
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

    const transferId = await inTransaction(this.dataSource, async (manager) => {
      await lockLine(manager, source.id, pupilKeyHash);
      const open = await manager.getRepository(TransferEntity).findOneBy({
        targetSchoolId: target.id,
        sourceSchoolId: source.id,
        pupilKeyHash,
        state: In(OPEN_STATES),
      });
      if (open) {
        throw new TransferError(
          'TRANSFER_ALREADY_OPEN',
          'conflict',
          `There is already an open transfer for this pupil from ${formatSchoolCode(source)} to ${formatSchoolCode(target)}: ${open.id}.`,
          { transferId: open.id },
        );
      }
      const transfer = await manager.getRepository(TransferEntity).save(
        manager.getRepository(TransferEntity).create({
          id: randomUUID(),
          targetSchoolId: target.id,
          sourceSchoolId: source.id,
          pupilKeyHash,
          reason: input.reason ?? null,
          state: 'requested',
          currentVersionId: null,
          releasedVersionId: null,
          requestedByVendorId: vendorId,
          createdAt: now,
          updatedAt: now,
          expiresAt: new Date(now.getTime() + this.settings.requestLifetimeDays * 86_400_000),
        }),
      );
      await record(manager, transfer, 'request', null, 'target_vendor', vendorId, null, now);
      // A dossier staged before the request is matched now, if it fits the receiving school.
      const staged = await manager.getRepository(DossierVersionEntity).findOne({
        where: { sourceSchoolId: source.id, pupilKeyHash, purgedAt: IsNull() },
        order: { version: 'DESC' },
      });
      if (staged && !versionMisfit(staged, source, target)) {
        await serveVersion(manager, transfer, staged, 'broker', null, now);
      }
      return transfer.id;
    });
    return this.queries.view(vendorId, transferId);
  }
}
