import { EntityManager } from 'typeorm';
import { TransferHistoryEntity } from './transfer-history.entity';

/**
 * The reads of `transfer_history`. Its rows are written together with their transfer, one statement per
 * step (`TransferRepository.saveWithHistory` and `insertWithHistory`, called by the state changes only).
 */
export class TransferHistoryRepository {
  constructor(private readonly manager: EntityManager) {}

  private get rows() {
    return this.manager.getRepository(TransferHistoryEntity);
  }

  /** A transfer's history, oldest first. */
  ofTransfer(transferId: string): Promise<TransferHistoryEntity[]> {
    return this.rows.find({ where: { transferId }, order: { id: 'ASC' } });
  }
}
