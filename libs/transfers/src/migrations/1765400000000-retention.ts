import { BROKER_RUNTIME_ROLE as RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shortest metadata term the database lets anyone delete by (months after release, or after the
 * transfer ended unreleased), whatever term the broker passes: a bug or an intruder in the broker cannot
 * delete a recent transfer. Below any board's sensible choice (default 24, special education 36).
 */
export const METADATA_TERM_FLOOR_MONTHS = 12;

/** The broker's only ways to delete anything (docs/decisions.md, "Expiry and retention … (#11)"). */
export const DELETE_TRANSFER_METADATA = 'delete_transfer_metadata';
export const DELETE_UNCLAIMED_VERSION = 'delete_unclaimed_version';

/**
 * Retention (issue #11, item 7). The runtime role deletes nothing itself; it may call one function, owned
 * by the migration owner (SECURITY DEFINER), that deletes one purged transfer's metadata — its row,
 * history, evidence (with its declaration rows), outbox, notification and recall-notice rows, and its
 * purged versions no one else refers to — only once the
 * board's term (never below the floor) has passed since the release, computed here from stored dates and
 * the receiving school's stored sector, at the database's clock (a caller may pass an earlier `p_now`,
 * never a later one). The exchange log is not touched: it is append-only and pseudonymous.
 */
export class Retention1765400000000 implements MigrationInterface {
  name = 'Retention1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The payload sweep looks for live versions; the purged ones are most rows after a while.
    await queryRunner.query(
      `CREATE INDEX ix_dossier_versions_live ON dossier_versions (staged_at, id) WHERE purged_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX ix_transfers_current_version ON transfers (current_version_id)`);
    await queryRunner.query(`CREATE INDEX ix_transfers_released_version ON transfers (released_version_id)`);
    await queryRunner.query(`
      CREATE FUNCTION ${DELETE_TRANSFER_METADATA}(
        p_transfer_id uuid, p_after_release_months integer, p_special_education_months integer,
        p_now timestamptz)
      RETURNS TABLE (term_months integer, history_rows integer, evidence_records integer, versions integer)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
      AS $fn$
      DECLARE
        v_transfer transfers%ROWTYPE;
        v_since timestamptz;
        v_special boolean;
        v_months integer;
        v_versions uuid[];
        v_history integer;
        v_evidence integer;
        v_deleted_versions integer;
      BEGIN
        SELECT * INTO v_transfer FROM transfers WHERE id = p_transfer_id FOR UPDATE;
        -- Only a transfer whose payloads are gone (the lifecycle's purge) loses its metadata.
        IF NOT FOUND OR v_transfer.state <> 'purged' THEN RETURN; END IF;
        -- The term runs from the release; for a transfer never released, from its last step before the purge.
        SELECT COALESCE(max(h.at) FILTER (WHERE h.event = 'release'), max(h.at) FILTER (WHERE h.event <> 'purge'))
          INTO v_since FROM transfer_history h WHERE h.transfer_id = p_transfer_id;
        SELECT s.sector IN ('SO', 'VSO') INTO v_special FROM schools s WHERE s.id = v_transfer.target_school_id;
        v_months := GREATEST(
          CASE WHEN v_special THEN p_special_education_months ELSE p_after_release_months END,
          ${METADATA_TERM_FLOOR_MONTHS});
        IF v_months IS NULL OR v_since IS NULL
           OR v_since + make_interval(months => v_months) > LEAST(p_now, now()) THEN
          RETURN;
        END IF;
        SELECT array_agg(DISTINCT id) INTO v_versions FROM (
          SELECT v_transfer.current_version_id AS id
          UNION SELECT v_transfer.released_version_id
          UNION SELECT h.version_id FROM transfer_history h WHERE h.transfer_id = p_transfer_id
          UNION SELECT e.version_id FROM evidence_records e WHERE e.transfer_id = p_transfer_id
          UNION SELECT o.version_id FROM release_outbox o WHERE o.transfer_id = p_transfer_id
        ) used WHERE id IS NOT NULL;
        -- Rows that name the transfer go first (each refers to it ON DELETE RESTRICT).
        DELETE FROM notification_outbox WHERE transfer_id = p_transfer_id;
        DELETE FROM recall_notices WHERE transfer_id = p_transfer_id;
        DELETE FROM consent_declarations WHERE transfer_id = p_transfer_id;
        DELETE FROM release_outbox WHERE transfer_id = p_transfer_id;
        DELETE FROM evidence_records WHERE transfer_id = p_transfer_id;
        GET DIAGNOSTICS v_evidence = ROW_COUNT;
        DELETE FROM transfer_history WHERE transfer_id = p_transfer_id;
        GET DIAGNOSTICS v_history = ROW_COUNT;
        DELETE FROM transfers WHERE id = p_transfer_id;
        -- Its versions go too once purged and no other transfer's rows refer to them.
        DELETE FROM dossier_versions v
         WHERE v.id = ANY (COALESCE(v_versions, '{}')) AND v.purged_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM transfers t
                            WHERE t.current_version_id = v.id OR t.released_version_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM transfer_history h WHERE h.version_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM evidence_records e WHERE e.version_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM release_outbox o WHERE o.version_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM recall_notices r WHERE r.version_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM consent_declarations d WHERE d.version_id = v.id);
        GET DIAGNOSTICS v_deleted_versions = ROW_COUNT;
        RETURN QUERY SELECT v_months, v_history, v_evidence, v_deleted_versions;
      END
      $fn$`);
    // A purged version no transfer ever used (staged ahead, never claimed): its row goes after the term
    // too, counted from its purge, if nothing refers to it.
    await queryRunner.query(`
      CREATE FUNCTION ${DELETE_UNCLAIMED_VERSION}(p_version_id uuid, p_months integer, p_now timestamptz)
      RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
      AS $fn$
      DECLARE
        v_purged timestamptz;
        v_months integer := GREATEST(p_months, ${METADATA_TERM_FLOOR_MONTHS});
      BEGIN
        SELECT purged_at INTO v_purged FROM dossier_versions WHERE id = p_version_id FOR UPDATE;
        IF v_purged IS NULL OR v_purged + make_interval(months => v_months) > LEAST(p_now, now())
           OR EXISTS (SELECT 1 FROM transfers t
                       WHERE t.current_version_id = p_version_id OR t.released_version_id = p_version_id)
           OR EXISTS (SELECT 1 FROM transfer_history h WHERE h.version_id = p_version_id)
           OR EXISTS (SELECT 1 FROM evidence_records e WHERE e.version_id = p_version_id)
           OR EXISTS (SELECT 1 FROM release_outbox o WHERE o.version_id = p_version_id)
           OR EXISTS (SELECT 1 FROM recall_notices r WHERE r.version_id = p_version_id)
           OR EXISTS (SELECT 1 FROM consent_declarations d WHERE d.version_id = p_version_id) THEN
          RETURN NULL;
        END IF;
        DELETE FROM dossier_versions WHERE id = p_version_id;
        RETURN v_months;
      END
      $fn$`);
    for (const signature of [
      `${DELETE_TRANSFER_METADATA}(uuid, integer, integer, timestamptz)`,
      `${DELETE_UNCLAIMED_VERSION}(uuid, integer, timestamptz)`,
    ]) {
      await queryRunner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
      await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION ${DELETE_UNCLAIMED_VERSION}(uuid, integer, timestamptz)`);
    await queryRunner.query(`DROP FUNCTION ${DELETE_TRANSFER_METADATA}(uuid, integer, integer, timestamptz)`);
    await queryRunner.query('DROP INDEX ix_transfers_released_version');
    await queryRunner.query('DROP INDEX ix_transfers_current_version');
    await queryRunner.query('DROP INDEX ix_dossier_versions_live');
  }
}
