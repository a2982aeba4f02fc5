import { EntityManager } from 'typeorm';
import { RecallNoticeEntity } from './recall-notice.entity';

/** The SQL of `recall_notices`: appended, never changed. */
export class RecallNoticeRepository {
  constructor(private readonly manager: EntityManager) {}

  private get rows() {
    return this.manager.getRepository(RecallNoticeEntity);
  }

  async insert(notice: RecallNoticeEntity): Promise<void> {
    await this.rows.insert(this.rows.create(notice));
  }

  /** The transfer's notices, oldest first. */
  ofTransfer(transferId: string): Promise<RecallNoticeEntity[]> {
    return this.rows.find({ where: { transferId }, order: { issuedAt: 'ASC', id: 'ASC' } });
  }

  forVersion(transferId: string, versionId: string): Promise<RecallNoticeEntity | null> {
    return this.rows.findOneBy({ transferId, versionId });
  }

  /** How many notices recall this version, on any transfer. */
  countForVersion(versionId: string): Promise<number> {
    return this.rows.countBy({ versionId });
  }
}
