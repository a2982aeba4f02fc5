import { RegistryService } from '@app/registry';
import { NotificationRepository } from './notifications/notification-repository';
import { DataSource } from 'typeorm';
import { payloadDestroyed, sealedOf, versionContext } from './dossier-sealing';
import type { DossierVersionEntity } from './dossier-version.entity';
import { DossierVersionRepository } from './dossier-version-repository';
import { PupilKey, hashPupilKey, pupilKeyProblem } from './pupil-key';
import { TransferAccess } from './transfer-access';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder, eventActor } from './transfer-events';
import type { TransferHistoryEntity } from './transfer-history.entity';
import { TransferHistoryRepository } from './transfer-history-repository';
import { OPEN_STATES, type TransferState } from './transfer-lifecycle';
import { TransferRepository } from './transfer-repository';
import { schoolsOfTransfers } from './transfer-schools';
import { inRecordedTransaction } from './transfer-transactions';
import { TransferEntity } from './transfer.entity';
import type { DossierSealer, TransferSettings } from './transfer.service';
import {
  DossierVersionView,
  TransferPage,
  TransferRole,
  TransferView,
  decodeCursor,
  encodeCursor,
  toTransferView,
  toVersionView,
} from './transfer-views';

const PAGE_SIZE_MAX = 200;

/** What each side may read: a transfer, its lists, the sender's lookup, and the released dossier. */
export class TransferQueries {
  private readonly transfers: TransferRepository;
  private readonly versions: DossierVersionRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly sealer: DossierSealer,
    private readonly settings: TransferSettings,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {
    this.transfers = new TransferRepository(dataSource.manager);
    this.versions = new DossierVersionRepository(dataSource.manager);
  }

  /** One transfer as the calling vendor may see it: state, schools, current version, history. */
  async view(vendorId: string, transferId: string): Promise<TransferView> {
    const { transfer, roles } = await this.access.visibleTransfer(vendorId, transferId);
    const view = await this.describe(transfer, roles);
    const notifications = await new NotificationRepository(this.dataSource.manager).ofTransferFor(
      transfer.id,
      vendorId,
    );
    return { ...view, notifications };
  }

  /** The calling vendor's transfers on one side, newest first, a page at a time. */
  async list(
    vendorId: string,
    query: { role: TransferRole; state?: TransferState; limit?: number; cursor?: string },
  ): Promise<TransferPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), PAGE_SIZE_MAX);
    const schools = await this.access.schoolsActingFor(vendorId, query.role);
    if (schools.length === 0) return { items: [], nextCursor: null };
    let after: { at: Date; id: string } | undefined;
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) {
        throw new TransferError('CURSOR_INVALID', 'invalid', 'cursor is not one this broker handed out.');
      }
      after = cursor;
    }
    // The receiving side sees a match awaiting the sender's approval as a plain request.
    const states =
      query.state === undefined
        ? undefined
        : query.role === 'source'
          ? [query.state]
          : query.state === 'requested'
            ? (['requested', 'awaiting_approval'] as const)
            : query.state === 'awaiting_approval'
              ? []
              : [query.state];
    if (states?.length === 0) return { items: [], nextCursor: null };
    const rows = await this.transfers.page({
      schoolColumn: query.role === 'target' ? 'target_school_id' : 'source_school_id',
      schoolIds: schools.map((school) => school.id),
      states,
      after,
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const items = await this.describeAll(page, [query.role]);
    return { items, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /**
   * For the sending side: the open requests at its schools for one pupil. The broker keeps only a hash
   * of the pupil key, so the sender asks with the key its LAS knows instead of reading it from a list.
   */
  async lookup(vendorId: string, input: { sourceSchool: string; pupil: PupilKey }): Promise<TransferView[]> {
    const problem = pupilKeyProblem(input.pupil);
    if (problem) throw new TransferError('PUPIL_KEY_INVALID', 'invalid', `pupil: ${problem}.`);
    const source = await this.access.school(input.sourceSchool, 'sourceSchool');
    await this.access.requireMandate(vendorId, source, 'source');
    const pupilKeyHash = hashPupilKey(input.pupil, this.settings.pupilKeySecret);
    const transfers = await this.transfers.openInLine(source.id, pupilKeyHash);
    return this.describeAll(transfers, ['source']);
  }

  /** The released dossier, byte for byte as staged, for the receiving school's vendor only. */
  async fetchDossier(
    vendor: ActingVendor,
    transferId: string,
  ): Promise<Recorded<{ bytes: Buffer; version: DossierVersionView }>> {
    const { transfer, version } = await releasedForReceiver(
      this.access,
      this.versions,
      vendor.id,
      transferId,
    );
    const bytes = this.sealer.open(sealedOf(version), versionContext(version.id));
    // Recorded before the bytes leave: a fetch the log cannot record does not happen.
    const trail = new EntryTrail(this.recorder);
    await inRecordedTransaction(this.dataSource, trail, async (manager) => {
      const schoolsOf = await schoolsOfTransfers(manager, [transfer]);
      trail.add({
        type: 'dossier_fetched',
        at: this.clock(),
        actor: eventActor('target_vendor', vendor),
        schools: schoolsOf(transfer),
        transferId: transfer.id,
        versionHash: version.canonicalSha256,
      });
    });
    return trail.answer({ bytes, version: toVersionView(version) });
  }

  async describe(transfer: TransferEntity, roles: TransferRole[]): Promise<TransferView> {
    const history = await new TransferHistoryRepository(this.dataSource.manager).ofTransfer(transfer.id);
    return (await this.describeAll([transfer], roles, history))[0];
  }

  /** Views of several transfers with their schools and versions loaded in one query each, not per transfer. */
  async describeAll(
    transfers: TransferEntity[],
    roles: TransferRole[],
    history: TransferHistoryEntity[] | null = null,
  ): Promise<TransferView[]> {
    if (transfers.length === 0) return [];
    const schoolIds = transfers.flatMap((transfer) => [transfer.targetSchoolId, transfer.sourceSchoolId]);
    const versionIds = transfers.flatMap((transfer) => [
      ...(transfer.currentVersionId ? [transfer.currentVersionId] : []),
      ...(transfer.releasedVersionId ? [transfer.releasedVersionId] : []),
    ]);
    const [schools, versions] = await Promise.all([
      this.registry.schoolsWithIds(schoolIds),
      this.versions.factsByIds(versionIds),
    ]);
    const school = new Map(schools.map((entry) => [entry.id, entry]));
    const version = new Map(versions.map((entry) => [entry.id, entry]));
    return transfers.map((transfer) =>
      toTransferView(transfer, {
        roles,
        target: school.get(transfer.targetSchoolId)!,
        source: school.get(transfer.sourceSchoolId)!,
        version: transfer.currentVersionId ? (version.get(transfer.currentVersionId) ?? null) : null,
        released: transfer.releasedVersionId ? (version.get(transfer.releasedVersionId) ?? null) : null,
        history,
      }),
    );
  }
}

/**
 * The version a transfer released, for its receiving school's vendor, exactly when that vendor may fetch
 * it: the one access rule of the dossier fetch and its rendering (#12). Throws the fetch's refusals.
 */
export async function releasedForReceiver(
  access: TransferAccess,
  versions: DossierVersionRepository,
  vendorId: string,
  transferId: string,
): Promise<{ transfer: TransferEntity; version: DossierVersionEntity }> {
  const { transfer } = await access.visibleTransfer(vendorId, transferId, 'target');
  // A purged transfer's payload is gone for good: saying "not released yet" would invite a retry.
  if (transfer.state === 'purged') throw dossierPurged();
  // While a corrected version waits for its own release, the released one can still be fetched.
  const fetchable =
    transfer.state === 'released' || transfer.state === 'received' || correctionPending(transfer);
  if (!fetchable || !transfer.releasedVersionId) {
    // A match the sender has not approved is not the receiver's to know of (issue #11, item 1).
    const shown = transfer.state === 'awaiting_approval' ? 'requested' : transfer.state;
    throw new TransferError(
      'DOSSIER_NOT_RELEASED',
      'conflict',
      `The transfer is ${shown}; the dossier can be fetched once it is released.`,
    );
  }
  const version = await versions.byIdOrFail(transfer.releasedVersionId);
  if (payloadDestroyed(version)) throw dossierPurged();
  return { transfer, version };
}

/** A released transfer whose corrected version is staged and not yet released (#11, item 5). */
function correctionPending(transfer: TransferEntity): boolean {
  return transfer.releasedVersionId !== null && OPEN_STATES.includes(transfer.state);
}

function dossierPurged(): TransferError {
  return new TransferError(
    'DOSSIER_PURGED',
    'conflict',
    'The dossier was purged after its retention period; it cannot be fetched any more.',
  );
}
