import { DataSource } from 'typeorm';
import { TransferAccess } from './transfer-access';
import { TransferEvent, TransferState } from './transfer-lifecycle';
import { inTransaction, refuseWhenBusy, transition } from './transfer-transactions';
import { TransferEntity } from './transfer.entity';
import { TransferQueries } from './transfer-queries';
import type { TransferView } from './transfer-views';

/** The receiving side's own steps: acknowledging receipt of the dossier, or withdrawing the request. */
export class TransferSteps {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: TransferAccess,
    private readonly queries: TransferQueries,
    private readonly clock: () => Date,
  ) {}

  /** The receiving vendor confirms it has the dossier; repeating it changes nothing. */
  async acknowledgeReceipt(vendorId: string, transferId: string): Promise<TransferView> {
    return this.takeStep(vendorId, transferId, 'acknowledge_receipt', ['received']);
  }

  /** The receiving vendor no longer needs the dossier. */
  async withdraw(vendorId: string, transferId: string): Promise<TransferView> {
    return this.takeStep(vendorId, transferId, 'withdraw', ['withdrawn']);
  }

  /** One step of the receiving vendor, on the locked transfer; a step already taken is not repeated. */
  private takeStep(
    vendorId: string,
    transferId: string,
    event: TransferEvent,
    alreadyDone: TransferState[],
  ): Promise<TransferView> {
    return refuseWhenBusy(async () => {
      const { roles } = await this.access.visibleTransfer(vendorId, transferId, 'target');
      const transfer = await inTransaction(this.dataSource, async (manager) => {
        const locked = await manager
          .getRepository(TransferEntity)
          .findOneOrFail({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
        if (!alreadyDone.includes(locked.state)) {
          await transition(manager, locked, event, 'target_vendor', vendorId, null, this.clock());
        }
        return locked;
      });
      return this.queries.describe(transfer, roles);
    });
  }
}
