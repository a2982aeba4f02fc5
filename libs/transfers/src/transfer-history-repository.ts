import { EntityManager } from 'typeorm';
import { TransferHistoryEntity } from './transfer-history.entity';

/** The SQL of `transfer_history`: appended by `changeTransferState` (and a transfer's opening) only. */
export class TransferHistoryRepository {
  constructor(private readonly manager: EntityManager) {}

  private get rows() {
    return this.manager.getRepository(TransferHistoryEntity);
  }

  async append(entry: Omit<TransferHistoryEntity, 'id'>): Promise<void> {
    await this.rows.insert(this.rows.create(entry));
  }

  /** A transfer's history, oldest first. */
  ofTransfer(transferId: string): Promise<TransferHistoryEntity[]> {
    return this.rows.find({ where: { transferId }, order: { id: 'ASC' } });
  }
}
