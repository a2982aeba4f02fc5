import type { EntityManager } from 'typeorm';
import { PAYLOAD_PURGE_REASONS, type PayloadPurgeReason } from '../transfer-events';
import { TRANSFER_TRANSITIONS } from '../transfer-lifecycle';
import { TransferEntity } from '../transfer.entity';
import type { PayloadTerms } from './retention.config';

/** A version whose payload's purpose ended longer ago than its term: the claim that ended last binds. */
export interface OverduePayload {
  versionId: string;
  versionHash: string;
  sourceSchoolId: string;
  /** The version's line (with the source school): staging and requests for it take the line's lock. */
  pupilKeyHash: string;
  stagedAt: Date;
  /** The transfer whose end bound the term; null for a version no transfer uses (unclaimed, superseded). */
  transferId: string | null;
  targetSchoolId: string | null;
  reason: PayloadPurgeReason;
  termDays: number;
}

/**
 * Every claim on a live version, and when it ends (`keep_until`; 'infinity' while a transfer still needs
 * it). A transfer claims the version it serves or released: received or released-but-unacknowledged by
 * the released version; blocked, withdrawn, expired by the current one; any other state (open, or a
 * state added later) keeps the version. A version no live transfer claims is superseded when its line
 * has a newer version (the term runs from the newer's staging), else unclaimed (from its own staging).
 * The claim with the latest end binds; a version is overdue when that end has passed.
 */
const OVERDUE_PAYLOADS = `
  WITH terms (reason, days) AS (
    SELECT * FROM unnest($1::text[], $2::int[])
  )
  SELECT v.id AS version_id, v.canonical_sha256 AS version_hash, v.source_school_id, v.pupil_key_hash,
         v.staged_at,
         binding.transfer_id, binding.target_school_id, binding.reason, binding.days AS term_days
    FROM dossier_versions v
    CROSS JOIN LATERAL (
      SELECT claim.transfer_id, claim.target_school_id, claim.reason, terms.days,
             CASE WHEN claim.reason IS NULL THEN 'infinity'::timestamptz
                  ELSE claim.since + make_interval(days => terms.days) END AS keep_until
        FROM (
          SELECT t.id AS transfer_id, t.target_school_id, t.updated_at AS since,
                 CASE
                   WHEN t.released_version_id = v.id AND t.state = 'received' THEN 'received'
                   WHEN t.released_version_id = v.id AND t.state = 'released' THEN 'release_unacknowledged'
                   WHEN t.released_version_id = v.id THEN NULL
                   WHEN t.state IN ('blocked', 'withdrawn', 'expired') THEN t.state
                   ELSE NULL
                 END AS reason
            FROM transfers t
           WHERE (t.current_version_id = v.id OR t.released_version_id = v.id) AND t.state <> 'purged'
          UNION ALL
          SELECT NULL, NULL, COALESCE(newer.at, v.staged_at),
                 CASE WHEN newer.at IS NULL THEN 'unclaimed' ELSE 'superseded' END
            FROM (SELECT min(n.staged_at) AS at FROM dossier_versions n
                   WHERE n.source_school_id = v.source_school_id AND n.pupil_key_hash = v.pupil_key_hash
                     AND n.version > v.version) newer
           WHERE NOT EXISTS (SELECT 1 FROM transfers t
                              WHERE (t.current_version_id = v.id OR t.released_version_id = v.id)
                                AND t.state <> 'purged')
        ) claim
        LEFT JOIN terms ON terms.reason = claim.reason
       ORDER BY keep_until DESC
       LIMIT 1
    ) binding
   WHERE v.purged_at IS NULL AND binding.keep_until <= $3
     AND ($5::uuid IS NULL OR v.id = $5::uuid)
     AND ($6::timestamptz IS NULL OR (v.staged_at, v.id) > ($6::timestamptz, $7::uuid))
   ORDER BY v.staged_at, v.id
   LIMIT $4`;

interface OverdueRow {
  version_id: string;
  version_hash: string;
  source_school_id: string;
  pupil_key_hash: string;
  staged_at: Date;
  transfer_id: string | null;
  target_school_id: string | null;
  reason: PayloadPurgeReason;
  term_days: number;
}

/** The SQL of retention's payload purge: which payloads are overdue, their destruction, the purged transfers. */
export class PayloadRetentionRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Up to `limit` overdue versions after `after` (keyset on staging time and id), oldest first; not
   * locked: each is checked again under its line's lock (`overdueVersion`) before anything is destroyed.
   */
  overdue(
    terms: PayloadTerms,
    now: Date,
    after: { stagedAt: Date; id: string } | null,
    limit: number,
  ): Promise<OverduePayload[]> {
    return this.query(terms, now, limit, null, after);
  }

  /** The version if it is still overdue now, read after the caller took the locks; null if not. */
  async overdueVersion(terms: PayloadTerms, now: Date, versionId: string): Promise<OverduePayload | null> {
    const [found] = await this.query(terms, now, 1, versionId, null);
    return found ?? null;
  }

  private async query(
    terms: PayloadTerms,
    now: Date,
    limit: number,
    versionId: string | null,
    after: { stagedAt: Date; id: string } | null,
  ): Promise<OverduePayload[]> {
    const rows: OverdueRow[] = await this.manager.query(OVERDUE_PAYLOADS, [
      [...PAYLOAD_PURGE_REASONS],
      PAYLOAD_PURGE_REASONS.map((reason) => terms[reason]),
      now,
      limit,
      versionId,
      after?.stagedAt ?? null,
      after?.id ?? null,
    ]);
    return rows.map((row) => ({
      versionId: row.version_id,
      versionHash: row.version_hash,
      sourceSchoolId: row.source_school_id,
      pupilKeyHash: row.pupil_key_hash,
      stagedAt: row.staged_at,
      transferId: row.transfer_id,
      targetSchoolId: row.target_school_id,
      reason: row.reason,
      termDays: row.term_days,
    }));
  }

  /**
   * The transfers that use the version (serve or released it), locked until the transaction ends: a step
   * on one of them (new evidence, a receipt) waits for the destruction, or commits first and is seen.
   */
  async lockClaimants(versionId: string): Promise<TransferEntity[]> {
    return this.manager
      .getRepository(TransferEntity)
      .createQueryBuilder('t')
      .where('t.current_version_id = :versionId OR t.released_version_id = :versionId', { versionId })
      .orderBy('t.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Destroys a version's payload: ciphertext and the wrapped data key, with what decrypts them. Without
   * the wrapped key no key-encryption key opens anything; the row keeps only metadata (hashes, sizes).
   * Answers whether it destroyed it now.
   */
  async destroyPayload(versionId: string, at: Date): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(
      `UPDATE dossier_versions
          SET ciphertext = NULL, iv = NULL, auth_tag = NULL, wrapped_key = NULL, wrap_iv = NULL,
              wrap_tag = NULL, kek_id = NULL, sealed_gate_facts = NULL, purged_at = $2
        WHERE id = $1 AND purged_at IS NULL`,
      [versionId, at],
    );
    // False when it was gone already (another sweep, a retraction): then there is nothing to log.
    return affected === 1;
  }

  /**
   * Up to `limit` transfers the purge may end — in a state it leaves, with no live payload left (neither
   * the version they serve nor the one they released) — locked, others' skipped; only `among`, if given.
   */
  lockPurgeable(limit: number, among?: readonly string[]): Promise<TransferEntity[]> {
    const builder = this.manager
      .getRepository(TransferEntity)
      .createQueryBuilder('t')
      .where('t.state IN (:...states)', { states: [...TRANSFER_TRANSITIONS.purge.from] });
    if (among) builder.andWhere('t.id IN (:...among)', { among: among.length > 0 ? among : [null] });
    return builder
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM dossier_versions v
                      WHERE v.id IN (t.current_version_id, t.released_version_id) AND v.purged_at IS NULL)`,
      )
      .orderBy('t.updated_at')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }
}
