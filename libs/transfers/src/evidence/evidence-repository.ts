import type { EntityManager } from 'typeorm';
import { EvidenceRecordEntity } from './evidence-record.entity';
import { ReleaseOutboxEntity } from './release-outbox.entity';

/**
 * The SQL of the evidence and the release outbox: both only grow (no DELETE); the only change is the
 * relay's `relayed_at` mark on an outbox row.
 */
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

  async queueRelease(row: Omit<ReleaseOutboxEntity, 'id' | 'relayedAt'>): Promise<void> {
    await this.manager.getRepository(ReleaseOutboxEntity).insert({ ...row, relayedAt: null });
  }

  /**
   * Outbox rows the relay has to (re-)add as queue jobs, oldest first: those never relayed, and those
   * relayed before `staleBefore` whose transfer still waits in `release_queued` for that very content
   * (their job may have been lost with Redis). Rows of other versions or states are done with.
   */
  toRelay(staleBefore: Date, limit: number): Promise<ReleaseOutboxEntity[]> {
    return this.manager.query(
      `SELECT o.id, o.transfer_id AS "transferId", o.version_id AS "versionId",
              o.version_hash AS "versionHash", o.created_at AS "createdAt", o.relayed_at AS "relayedAt"
         FROM release_outbox o
        WHERE o.id IN (
              (SELECT id FROM release_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $2)
              UNION ALL
              -- From the transfers still queued (few, indexed), not from every row ever relayed.
              (SELECT r.id FROM transfers t
                 JOIN dossier_versions v ON v.id = t.current_version_id
                 JOIN release_outbox r ON r.transfer_id = t.id AND r.version_hash = v.canonical_sha256
                WHERE t.state = 'release_queued' AND r.relayed_at < $1))
        ORDER BY o.id
        LIMIT $2`,
      [staleBefore, limit],
    );
  }

  /** The relay's mark, set only after the queue took the rows' jobs. */
  async markRelayed(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.query(`UPDATE release_outbox SET relayed_at = $1 WHERE id = ANY($2::bigint[])`, [
      at,
      ids,
    ]);
  }
}
