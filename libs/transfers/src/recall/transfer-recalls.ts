import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { RegistryService } from '@app/registry';
import { DossierVersionRepository } from '../dossier-version-repository';
import { TransferAccess } from '../transfer-access';
import { TransferError } from '../transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder, eventActor } from '../transfer-events';
import { TransferHistoryRepository } from '../transfer-history-repository';
import { TransferRepository } from '../transfer-repository';
import { schoolsOfTransfers } from '../transfer-schools';
import { inRecordedTransaction, refuseWhenBusy } from '../transfer-transactions';
import {
  NoticeSigner,
  RecallNoticeFacts,
  RecallNoticeView,
  RecallReason,
  canonicalRecallNotice,
} from './recall-notice';
import type { RecallNoticeEntity } from './recall-notice.entity';
import { RecallNoticeRepository } from './recall-notice-repository';
import { notifyRecalled } from '../notifications/lifecycle-notifications';

export interface RecallInput {
  /** canonicalSha256 of the released version. */
  versionHash: string;
  reason: RecallReason;
}

export function toRecallNoticeView(row: RecallNoticeEntity): RecallNoticeView {
  const facts = JSON.parse(row.notice) as RecallNoticeFacts;
  return {
    noticeId: facts.noticeId,
    transferId: facts.transferId,
    sourceSchool: facts.sourceSchool,
    targetSchool: facts.targetSchool,
    versionHash: facts.versionHash,
    reason: facts.reason,
    issuedAt: facts.issuedAt,
    notice: row.notice,
    signature: {
      algorithm: row.signatureAlgorithm as RecallNoticeView['signature']['algorithm'],
      keyId: row.keyId,
      value: row.signature.toString('base64'),
    },
  };
}

/**
 * The sender recalls a version after its release (#11, item 5): the broker signs a notice (transfer,
 * schools, version hash, reason, time) with its server key, stores it for both sides to read, logs
 * `recall_issued`, and destroys the version's key once every transfer that released it has recalled it
 * (the purpose has ended; the receiver already holds what it fetched). The transfer's state is unchanged:
 * a corrected version is a separate step. Recalling the same version again answers the same notice.
 */
export class TransferRecalls {
  private readonly access: TransferAccess;

  constructor(
    private readonly dataSource: DataSource,
    registry: RegistryService,
    private readonly recorder: TransferEventRecorder,
    private readonly signer: NoticeSigner,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.access = new TransferAccess(dataSource, registry, clock);
  }

  recall(vendor: ActingVendor, transferId: string, input: RecallInput): Promise<Recorded<RecallNoticeView>> {
    return refuseWhenBusy(async () => {
      await this.access.visibleTransfer(vendor.id, transferId, 'source');
      const trail = new EntryTrail(this.recorder);
      const row = await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const transfer = await new TransferRepository(manager).lockById(transferId);
        const history = await new TransferHistoryRepository(manager).ofTransfer(transfer.id);
        const releasedIds = new Set(
          history.filter((entry) => entry.event === 'release').flatMap((entry) => entry.versionId ?? []),
        );
        if (transfer.releasedVersionId) releasedIds.add(transfer.releasedVersionId);
        const versions = new DossierVersionRepository(manager);
        const released = (await versions.byIds([...releasedIds])).find(
          (version) => version.canonicalSha256 === input.versionHash,
        );
        if (!released) {
          throw new TransferError(
            'VERSION_NOT_RELEASED',
            'conflict',
            'This transfer never released a version with this versionHash; only a released version can be ' +
              'recalled (before release, retract it: POST /v1/transfers/{id}/retraction).',
          );
        }
        const notices = new RecallNoticeRepository(manager);
        const existing = await notices.forVersion(transfer.id, released.id);
        if (existing) return existing;
        const schools = (await schoolsOfTransfers(manager, [transfer]))(transfer);
        const now = this.clock();
        const facts: RecallNoticeFacts = {
          noticeId: randomUUID(),
          transferId: transfer.id,
          sourceSchool: schools.source,
          targetSchool: schools.target,
          versionHash: released.canonicalSha256,
          reason: input.reason,
          issuedAt: now.toISOString(),
        };
        const bytes = canonicalRecallNotice(facts);
        const notice: RecallNoticeEntity = {
          id: facts.noticeId,
          transferId: transfer.id,
          versionId: released.id,
          versionHash: released.canonicalSha256,
          reason: input.reason,
          issuedByVendorId: vendor.id,
          issuedAt: now,
          notice: bytes.toString('utf8'),
          signatureAlgorithm: this.signer.algorithm,
          keyId: this.signer.keyId,
          signature: this.signer.sign(bytes),
        };
        await notices.insert(notice);
        // The key goes once no transfer that released the version still stands by it.
        const releasing = await new TransferRepository(manager).countReleasing([released.id]);
        const recalled = await notices.countForVersion(released.id);
        const keyDestroyed = released.wrappedKey !== null && recalled >= releasing;
        if (keyDestroyed) await versions.purgePayload(released, now);
        trail.add({
          type: 'recall_issued',
          at: now,
          actor: eventActor('source_vendor', vendor),
          schools,
          transferId: transfer.id,
          versionHash: released.canonicalSha256,
          reason: input.reason,
          noticeId: facts.noticeId,
          keyDestroyed,
        });
        await notifyRecalled(manager, transfer, released.canonicalSha256);
        return notice;
      });
      return trail.answer(toRecallNoticeView(row));
    });
  }

  /** The transfer's recall notices, for either side (anyone else: not found). */
  notices(vendorId: string, transferId: string): Promise<{ items: RecallNoticeView[] }> {
    return refuseWhenBusy(async () => {
      const { transfer } = await this.access.visibleTransfer(vendorId, transferId);
      const rows = await new RecallNoticeRepository(this.dataSource.manager).ofTransfer(transfer.id);
      return { items: rows.map(toRecallNoticeView) };
    });
  }
}
