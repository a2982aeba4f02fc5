import type { EntityManager } from 'typeorm';
import {
  DELETE_TRANSFER_METADATA,
  DELETE_UNCLAIMED_VERSION,
  METADATA_TERM_FLOOR_MONTHS,
} from '../migrations/1765400000000-retention';

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

  /**
   * Up to `limit` purged versions no row refers to (staged ahead, never used by a transfer), at least the
   * floor term past their purge, oldest first, after `after` (keyset).
   */
  async unclaimedCandidates(
    now: Date,
    after: { purgedAt: Date; id: string } | null,
    limit: number,
  ): Promise<UnclaimedVersion[]> {
    const rows: Array<{
      id: string;
      source_school_id: string;
      canonical_sha256: string;
      purged_at: Date;
    }> = await this.manager.query(
      `SELECT v.id, v.source_school_id, v.canonical_sha256, v.purged_at
         FROM dossier_versions v
        WHERE v.purged_at IS NOT NULL AND v.purged_at + make_interval(months => $2) <= $1
          AND NOT EXISTS (SELECT 1 FROM transfers t
                           WHERE t.current_version_id = v.id OR t.released_version_id = v.id)
          AND NOT EXISTS (SELECT 1 FROM transfer_history h WHERE h.version_id = v.id)
          AND NOT EXISTS (SELECT 1 FROM evidence_records e WHERE e.version_id = v.id)
          AND NOT EXISTS (SELECT 1 FROM release_outbox o WHERE o.version_id = v.id)
          AND ($3::timestamptz IS NULL OR (v.purged_at, v.id) > ($3::timestamptz, $4::uuid))
        ORDER BY v.purged_at, v.id
        LIMIT $5`,
      [now, METADATA_TERM_FLOOR_MONTHS, after?.purgedAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((row) => ({
      versionId: row.id,
      sourceSchoolId: row.source_school_id,
      versionHash: row.canonical_sha256,
      purgedAt: row.purged_at,
    }));
  }

  /** Deletes the version's row if its term has passed at `now` (the function checks); the term, or null. */
  async deleteUnclaimedIfDue(versionId: string, months: number, now: Date): Promise<number | null> {
    const [row]: Array<{ months: number | null }> = await this.manager.query(
      `SELECT ${DELETE_UNCLAIMED_VERSION}($1, $2, $3) AS months`,
      [versionId, months, now],
    );
    return row.months;
  }
}

/** A purged version no transfer ever used, whose row may be due for deletion. */
export interface UnclaimedVersion {
  versionId: string;
  sourceSchoolId: string;
  versionHash: string;
  purgedAt: Date;
}
