import { EntityManager } from 'typeorm';
import type {
  ActorRole,
  ConsentDecision,
  ConsentForm,
  EvidenceKind,
  InzageWay,
} from './evidence/evidence-record.entity';

/**
 * The SQL behind an auditor's pupil report (a parent's "who received my child's data?", asked through
 * the school): a pupil's staged versions and transfers, found by the pupil key's hash, limited to the
 * schools the auditor may see (`schools` null: every school). School codes as BRIN + vestiging.
 */
export interface PupilVersionRow {
  versionId: string;
  sourceSchool: string;
  version: number;
  profile: string;
  /** SHA-256 of the canonical XML: the hash the exchange log names the version by. */
  versionHash: string;
  stagedAt: Date;
  stagedByVendorId: string;
  /** Null for versions staged before categories were recorded. */
  dataCategories: string[] | null;
  purged: boolean;
}

export interface PupilTransferRow {
  transferId: string;
  sourceSchool: string;
  targetSchool: string;
  state: string;
  createdAt: Date;
}

const CODE = (alias: string) => `(${alias}.brin || ${alias}.vestiging)`;

export async function pupilVersions(
  manager: EntityManager,
  pupilKeyHash: string,
  schools: readonly string[] | null,
): Promise<PupilVersionRow[]> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT v.id, ${CODE('s')} AS source_school, v.version, v.profile, v.canonical_sha256, v.staged_at,
            v.staged_by_vendor_id, v.data_categories, v.purged_at IS NOT NULL AS purged
       FROM dossier_versions v JOIN schools s ON s.id = v.source_school_id
      WHERE v.pupil_key_hash = $1
        AND ($2::text[] IS NULL OR ${CODE('s')} = ANY($2) OR v.id IN (
              -- A receiving school's auditor sees the versions its transfers were served.
              SELECT unnest(ARRAY[t.current_version_id, t.released_version_id])
                FROM transfers t JOIN schools g ON g.id = t.target_school_id
               WHERE t.pupil_key_hash = $1 AND ${CODE('g')} = ANY($2)))
      ORDER BY v.staged_at, v.version`,
    [pupilKeyHash, schools === null ? null : [...schools]],
  );
  return rows.map((row) => ({
    versionId: row.id as string,
    sourceSchool: row.source_school as string,
    version: row.version as number,
    profile: row.profile as string,
    versionHash: row.canonical_sha256 as string,
    stagedAt: row.staged_at as Date,
    stagedByVendorId: row.staged_by_vendor_id as string,
    dataCategories: row.data_categories as string[] | null,
    purged: row.purged as boolean,
  }));
}

export async function pupilTransfers(
  manager: EntityManager,
  pupilKeyHash: string,
  schools: readonly string[] | null,
): Promise<PupilTransferRow[]> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT t.id, ${CODE('s')} AS source_school, ${CODE('g')} AS target_school, t.state, t.created_at
       FROM transfers t
       JOIN schools s ON s.id = t.source_school_id
       JOIN schools g ON g.id = t.target_school_id
      WHERE t.pupil_key_hash = $1
        AND ($2::text[] IS NULL OR ${CODE('s')} = ANY($2) OR ${CODE('g')} = ANY($2))
      ORDER BY t.created_at`,
    [pupilKeyHash, schools === null ? null : [...schools]],
  );
  return rows.map((row) => ({
    transferId: row.id as string,
    sourceSchool: row.source_school as string,
    targetSchool: row.target_school as string,
    state: row.state as string,
    createdAt: row.created_at as Date,
  }));
}

/**
 * One evidence record as an auditor's pupil report shows it: what the sending school recorded, who by role
 * and label, never the remarks or declaration themselves (the broker holds only their hashes, and the
 * report says only whether there is one).
 */
export interface PupilEvidenceRow {
  id: string;
  transferId: string;
  versionHash: string;
  receivingSchool: string;
  kind: EvidenceKind;
  /** The day of the act, YYYY-MM-DD. */
  date: string;
  actorRole: ActorRole;
  actorRef: string | null;
  how: InzageWay | null;
  decision: ConsentDecision | null;
  form: ConsentForm | null;
  remarksRecorded: boolean;
  declarationRecorded: boolean;
  recordedByVendorId: string;
  recordedAt: Date;
}

/** The evidence recorded for `transferIds` (the caller has scoped them), in the order it was recorded. */
export async function pupilEvidence(
  manager: EntityManager,
  transferIds: readonly string[],
): Promise<PupilEvidenceRow[]> {
  if (transferIds.length === 0) return [];
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT e.id, e.transfer_id, e.version_hash, ${CODE('g')} AS receiving_school, e.kind,
            to_char(e.act_date, 'YYYY-MM-DD') AS act_date, e.actor_role, e.actor_ref, e.inzage_how,
            e.decision, e.form, e.remarks_sha256 IS NOT NULL AS remarks_recorded,
            e.declaration_sha256 IS NOT NULL AS declaration_recorded, e.recorded_by_vendor_id, e.recorded_at
       FROM evidence_records e JOIN schools g ON g.id = e.receiving_school_id
      WHERE e.transfer_id = ANY($1)
      ORDER BY e.recorded_at, e.id`,
    [[...transferIds]],
  );
  return rows.map((row) => ({
    id: row.id as string,
    transferId: row.transfer_id as string,
    versionHash: row.version_hash as string,
    receivingSchool: row.receiving_school as string,
    kind: row.kind as EvidenceKind,
    date: row.act_date as string,
    actorRole: row.actor_role as ActorRole,
    actorRef: row.actor_ref as string | null,
    how: row.inzage_how as InzageWay | null,
    decision: row.decision as ConsentDecision | null,
    form: row.form as ConsentForm | null,
    remarksRecorded: row.remarks_recorded as boolean,
    declarationRecorded: row.declaration_recorded as boolean,
    recordedByVendorId: row.recorded_by_vendor_id as string,
    recordedAt: row.recorded_at as Date,
  }));
}
