import { DataSource } from 'typeorm';
import { TransferAccess } from './transfer-access';
import { TransferActor, TransferEvent, TransferState } from './transfer-lifecycle';
import { inTransaction, refuseWhenBusy, transition } from './transfer-transactions';
import { TransferEntity } from './transfer.entity';
import { TransferQueries } from './transfer-queries';
import type { TransferRole, TransferView } from './transfer-views';

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
    return this.act(vendorId, transferId, 'target', 'acknowledge_receipt', 'target_vendor', ['received']);
  }

  /** The receiving vendor no longer needs the dossier. */
  async withdraw(vendorId: string, transferId: string): Promise<TransferView> {
    return this.act(vendorId, transferId, 'target', 'withdraw', 'target_vendor', ['withdrawn']);
  }

  private act(
    vendorId: string,
    transferId: string,
    side: TransferRole,
    event: TransferEvent,
    actor: TransferActor,
    alreadyDone: TransferState[],
  ): Promise<TransferView> {
    return refuseWhenBusy(() => this.takeStep(vendorId, transferId, side, event, actor, alreadyDone));
  }

  private async takeStep(
    vendorId: string,
    transferId: string,
    side: TransferRole,
    event: TransferEvent,
    actor: TransferActor,
    alreadyDone: TransferState[],
  ): Promise<TransferView> {
    const { roles } = await this.access.visibleTransfer(vendorId, transferId, side);
    const transfer = await inTransaction(this.dataSource, async (manager) => {
      const locked = await manager
        .getRepository(TransferEntity)
        .findOneOrFail({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
      if (!alreadyDone.includes(locked.state)) {
        await transition(manager, locked, event, actor, vendorId, null, this.clock());
      }
      return locked;
    });
    return this.queries.describe(transfer, roles);
  }
}
