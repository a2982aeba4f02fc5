import type { EntityManager } from 'typeorm';
import { EvidenceRecordEntity } from './evidence-record.entity';
import { ReleaseOutboxEntity } from './release-outbox.entity';

/** The SQL of the evidence and the release outbox: both only grow (no UPDATE, no DELETE). */
export class EvidenceRepository {
  constructor(private readonly manager: EntityManager) {}

  async append(record: EvidenceRecordEntity): Promise<EvidenceRecordEntity> {
    await this.manager.getRepository(EvidenceRecordEntity).insert(record);
    return record;
  }

  /** A transfer's whole history, in the order it was recorded. */
  ofTransfer(transferId: string): Promise<EvidenceRecordEntity[]> {
    return this.manager
      .getRepository(EvidenceRecordEntity)
      .find({ where: { transferId }, order: { recordedAt: 'ASC', id: 'ASC' } });
  }

  async queueRelease(row: Omit<ReleaseOutboxEntity, 'id'>): Promise<void> {
    await this.manager.getRepository(ReleaseOutboxEntity).insert(row);
  }
}
