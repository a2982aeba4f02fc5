import { DataSource } from 'typeorm';
import { TransferAccess } from './transfer-access';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder } from './transfer-events';
import { TransferEvent, TransferState } from './transfer-lifecycle';
import { notifyReceived } from './notifications/lifecycle-notifications';
import { TransferQueries } from './transfer-queries';
import { TransferRepository } from './transfer-repository';
import { changeTransferState } from './transfer-state-changes';
import { schoolsOfTransfers } from './transfer-schools';
import { inRecordedTransaction, refuseWhenBusy } from './transfer-transactions';
import type { TransferView } from './transfer-views';

/** The receiving side's own steps: acknowledging receipt of the dossier, or withdrawing the request. */
export class TransferSteps {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: TransferAccess,
    private readonly queries: TransferQueries,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  /** The receiving vendor confirms it has the dossier; repeating it changes nothing (and records nothing). */
  async acknowledgeReceipt(vendor: ActingVendor, transferId: string): Promise<Recorded<TransferView>> {
    return this.takeStep(vendor, transferId, 'acknowledge_receipt', ['received']);
  }

  /** The receiving vendor no longer needs the dossier. */
  async withdraw(vendor: ActingVendor, transferId: string): Promise<Recorded<TransferView>> {
    return this.takeStep(vendor, transferId, 'withdraw', ['withdrawn']);
  }

  /** One step of the receiving vendor, on the locked transfer; a step already taken is not repeated. */
  private takeStep(
    vendor: ActingVendor,
    transferId: string,
    event: TransferEvent,
    alreadyDone: TransferState[],
  ): Promise<Recorded<TransferView>> {
    return refuseWhenBusy(async () => {
      const { roles } = await this.access.visibleTransfer(vendor.id, transferId, 'target');
      const trail = new EntryTrail(this.recorder);
      const transfer = await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const locked = await new TransferRepository(manager).lockById(transferId);
        if (!alreadyDone.includes(locked.state)) {
          const schoolsOf = await schoolsOfTransfers(manager, [locked]);
          await changeTransferState(manager, trail, locked, schoolsOf(locked), {
            event,
            actor: 'target_vendor',
            vendor,
            version: null,
            at: this.clock(),
          });
          if (event === 'acknowledge_receipt') await notifyReceived(manager, locked);
        }
        return locked;
      });
      return trail.answer(await this.queries.describe(transfer, roles));
    });
  }
}
