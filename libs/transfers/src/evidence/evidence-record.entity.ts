import { Column, Entity, PrimaryColumn } from 'typeorm';

export const EVIDENCE_KINDS = ['inzage', 'consent', 'consent_withdrawn'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const ACTOR_ROLES = ['parent_with_gezag', 'voogd', 'pupil', 'verzorger_without_gezag'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const INZAGE_WAYS = ['conversation', 'letter', 'portal'] as const;
export type InzageWay = (typeof INZAGE_WAYS)[number];

export const CONSENT_DECISIONS = ['granted', 'refused'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

export const CONSENT_FORMS = ['signed_declaration', 'digital_confirmation'] as const;
export type ConsentForm = (typeof CONSENT_FORMS)[number];

/**
 * A person is a role plus a short label the sending school chooses (`ouder-1`), never a name: the gate's
 * reasons quote the label to the sender, and it tells two legal representatives apart.
 */
export const ACTOR_REF_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * One act the sending school recorded for one dossier version and one receiving school: inzage given,
 * consent granted or refused, or consent withdrawn. Append-only (the runtime role may not UPDATE or DELETE
 * it); a correction is a new record. Remarks and declarations are kept only as their SHA-256.
 */
@Entity({ name: 'evidence_records' })
export class EvidenceRecordEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  /** The version's canonical content hash, as the gate and the log name versions. */
  @Column({ name: 'version_hash', type: 'char', length: 64 })
  versionHash!: string;

  @Column({ name: 'receiving_school_id', type: 'uuid' })
  receivingSchoolId!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: EvidenceKind;

  /** The day of the act (YYYY-MM-DD), as the school records it. */
  @Column({ name: 'act_date', type: 'date' })
  actDate!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole!: ActorRole;

  @Column({ name: 'actor_ref', type: 'varchar', length: 32, nullable: true })
  actorRef!: string | null;

  @Column({ name: 'inzage_how', type: 'varchar', length: 16, nullable: true })
  inzageHow!: InzageWay | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  decision!: ConsentDecision | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  form!: ConsentForm | null;

  @Column({ name: 'remarks_sha256', type: 'char', length: 64, nullable: true })
  remarksSha256!: string | null;

  @Column({ name: 'declaration_sha256', type: 'char', length: 64, nullable: true })
  declarationSha256!: string | null;

  @Column({ name: 'declaration_media_type', type: 'varchar', length: 100, nullable: true })
  declarationMediaType!: string | null;

  @Column({ name: 'recorded_by_vendor_id', type: 'varchar', length: 64 })
  recordedByVendorId!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
