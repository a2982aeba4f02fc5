import type { EntityManager } from 'typeorm';
import { DELETE_TRANSFER_METADATA, METADATA_TERM_FLOOR_MONTHS } from '../migrations/1765400000000-retention';

/** A purged transfer whose metadata may be due, and the date its term runs from. */
export interface MetadataCandidate {
  transferId: string;
  sourceSchoolId: string;
  targetSchoolId: string;
  since: Date;
}

/** What the database function deleted for one transfer (nothing when its term has not passed). */
export interface DeletedMetadata {
  termMonths: number;
  historyRows: number;
  evidenceRecords: number;
  versions: number;
}

/**
 * The SQL of metadata retention. Reads as the runtime role; deletes only through the database function
 * `delete_transfer_metadata` (migration Retention1765400000000), which checks the term itself.
 */
export class MetadataRetentionRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Up to `limit` purged transfers at least the floor term past their release (or their end, unreleased),
   * oldest first, after `after` (keyset): the candidates; the function decides with the board's term.
   */
  async candidates(
    now: Date,
    after: { since: Date; id: string } | null,
    limit: number,
  ): Promise<MetadataCandidate[]> {
    const rows: Array<{ id: string; source_school_id: string; target_school_id: string; since: Date }> =
      await this.manager.query(
        `SELECT t.id, t.source_school_id, t.target_school_id, s.since
           FROM transfers t
           CROSS JOIN LATERAL (
             SELECT COALESCE(max(h.at) FILTER (WHERE h.event = 'release'),
                             max(h.at) FILTER (WHERE h.event <> 'purge')) AS since
               FROM transfer_history h WHERE h.transfer_id = t.id) s
          WHERE t.state = 'purged' AND s.since + make_interval(months => $2) <= $1
            AND ($3::timestamptz IS NULL OR (s.since, t.id) > ($3::timestamptz, $4::uuid))
          ORDER BY s.since, t.id
          LIMIT $5`,
        [now, METADATA_TERM_FLOOR_MONTHS, after?.since ?? null, after?.id ?? null, limit],
      );
    return rows.map((row) => ({
      transferId: row.id,
      sourceSchoolId: row.source_school_id,
      targetSchoolId: row.target_school_id,
      since: row.since,
    }));
  }

  /** Deletes the transfer's metadata if its term has passed at `now` (the function checks); null if not. */
  async deleteIfDue(
    transferId: string,
    terms: { afterReleaseMonths: number; specialEducationMonths: number },
    now: Date,
  ): Promise<DeletedMetadata | null> {
    const rows: Array<{
      term_months: number;
      history_rows: number;
      evidence_records: number;
      versions: number;
    }> = await this.manager.query(`SELECT * FROM ${DELETE_TRANSFER_METADATA}($1, $2, $3, $4)`, [
      transferId,
      terms.afterReleaseMonths,
      terms.specialEducationMonths,
      now,
    ]);
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      termMonths: row.term_months,
      historyRows: row.history_rows,
      evidenceRecords: row.evidence_records,
      versions: row.versions,
    };
  }
}
