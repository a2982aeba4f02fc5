import { RegistryService } from '@app/registry';
import { DataSource } from 'typeorm';
import { payloadDestroyed } from './dossier-sealing';
import { DossierVersionRepository } from './dossier-version-repository';
import { dossierGateFacts, gateOnFirstLook } from './evidence/release-gating';
import { TransferAccess } from './transfer-access';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder } from './transfer-events';
import { TransferQueries } from './transfer-queries';
import { TransferRepository } from './transfer-repository';
import { transferSchools } from './transfer-schools';
import { approveMatch, refuseMatch } from './transfer-state-changes';
import { inRecordedTransaction, refuseWhenBusy } from './transfer-transactions';
import type { DossierSealer } from './transfer.service';
import type { TransferView } from './transfer-views';

/** The sender's answer to a match of a version staged ahead: name this receiving school, or refuse it. */
export type MatchAnswer = 'approve' | 'refuse';

/**
 * The sending side decides where a dossier goes (issue #11, item 1): a version staged ahead and matched
 * to a request waits in `awaiting_approval` until the sender approves the match (the gate then looks, as
 * for a version staged for the transfer) or refuses it (the request waits for another version).
 */
export class MatchApprovals {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly queries: TransferQueries,
    private readonly sealer: DossierSealer,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  answer(
    vendor: ActingVendor,
    transferId: string,
    versionHash: string,
    answer: MatchAnswer,
  ): Promise<Recorded<TransferView>> {
    return refuseWhenBusy(async () => {
      const { transfer: seen, roles } = await this.access.visibleTransfer(vendor.id, transferId, 'source');
      const [source, target] = await Promise.all([
        this.registry.schoolById(seen.sourceSchoolId),
        this.registry.schoolById(seen.targetSchoolId),
      ]);
      const schools = transferSchools(source, target);
      const trail = new EntryTrail(this.recorder);
      const transfer = await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const locked = await new TransferRepository(manager).lockById(transferId);
        if (locked.state !== 'awaiting_approval' || locked.currentVersionId === null) {
          throw new TransferError(
            'MATCH_NOT_AWAITING_APPROVAL',
            'conflict',
            `The transfer is ${locked.state}; only a transfer in awaiting_approval has a match to ${answer}.`,
          );
        }
        const versions = new DossierVersionRepository(manager);
        const { version } = await versions.forGateByIdOrFail(locked.currentVersionId);
        if (version.canonicalSha256 !== versionHash) {
          throw new TransferError(
            'MATCH_VERSION_MISMATCH',
            'conflict',
            'versionHash: is not the version matched to this transfer (see currentVersion.canonicalSha256 in ' +
              'your view of it; a newer version may have been staged since); nothing was changed.',
          );
        }
        const now = this.clock();
        if (answer === 'refuse') {
          await refuseMatch(manager, trail, locked, schools, version, vendor, now);
          return locked;
        }
        if (payloadDestroyed(version)) {
          throw new TransferError(
            'MATCH_VERSION_MISMATCH',
            'conflict',
            'The matched version’s payload is gone (purged or retracted); stage a new version for this transfer.',
          );
        }
        const gateFacts = await dossierGateFacts(this.sealer, versions, version);
        await approveMatch(manager, trail, locked, schools, version, vendor, now, (staged) =>
          gateOnFirstLook(manager, trail, { transfer: staged, schools, source, version, gateFacts, now }),
        );
        return locked;
      });
      return trail.answer(await this.queries.describe(transfer, roles));
    });
  }
}
