import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RetractionReason } from './transfer-events';

/**
 * One frozen upload of a pupil's dossier by the sending school's vendor. Versions form a line per
 * source school and pupil; a transfer points at the line's current version. The payload is stored
 * only encrypted (see `@app/vault`); purging deletes ciphertext and key together.
 */
@Entity({ name: 'dossier_versions' })
export class DossierVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'source_school_id', type: 'uuid' })
  sourceSchoolId!: string;

  @Column({ name: 'pupil_key_hash', type: 'char', length: 64 })
  pupilKeyHash!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 8 })
  profile!: string;

  @Column({ type: 'varchar', length: 24 })
  overdrachtsoort!: string;

  @Column({ name: 'byte_length', type: 'integer' })
  byteLength!: number;

  /** SHA-256 of the exact bytes staged: what the receiver gets back, byte for byte. */
  @Column({ name: 'content_sha256', type: 'char', length: 64 })
  contentSha256!: string;

  /** SHA-256 of the canonical XML (exclusive C14N): the version's identity for evidence and the log. */
  @Column({ name: 'canonical_sha256', type: 'char', length: 64 })
  canonicalSha256!: string;

  /**
   * SHA-256 of the canonical XML without the parents' remarks in its `inzage` block: an earlier version of
   * the line with the same basis differs only by remarks, and this one keeps its inzage. Null: not known.
   */
  @Column({ name: 'inzage_basis_sha256', type: 'char', length: 64, nullable: true })
  inzageBasisSha256!: string | null;

  /** The data categories the version held (`cat_…` names from its validation); null when not recorded. */
  @Column({ name: 'data_categories', type: 'text', array: true, nullable: true })
  dataCategories!: string[] | null;

  @Column({ name: 'warning_count', type: 'integer', default: 0 })
  warningCount!: number;

  @Column({ type: 'bytea', nullable: true })
  ciphertext!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  iv!: Buffer | null;

  @Column({ name: 'auth_tag', type: 'bytea', nullable: true })
  authTag!: Buffer | null;

  @Column({ name: 'wrapped_key', type: 'bytea', nullable: true })
  wrappedKey!: Buffer | null;

  @Column({ name: 'wrap_iv', type: 'bytea', nullable: true })
  wrapIv!: Buffer | null;

  @Column({ name: 'wrap_tag', type: 'bytea', nullable: true })
  wrapTag!: Buffer | null;

  @Column({ name: 'kek_id', type: 'varchar', length: 32, nullable: true })
  kekId!: string | null;

  /**
   * The gate's facts from the dossier (birth date, `inzage` block), sealed under the payload's data key
   * (`sealGateFacts`): iv, tag, ciphertext. Null for versions staged before #13, and once purged.
   */
  @Column({ name: 'sealed_gate_facts', type: 'bytea', nullable: true })
  sealedGateFacts!: Buffer | null;

  @Column({ name: 'staged_by_vendor_id', type: 'varchar', length: 64 })
  stagedByVendorId!: string;

  @Column({ name: 'staged_at', type: 'timestamptz' })
  stagedAt!: Date;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;

  /** When the sender took the version back before release (#11); its payload was purged in that step. */
  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true })
  retractedAt!: Date | null;

  @Column({ name: 'retraction_reason', type: 'varchar', length: 16, nullable: true })
  retractionReason!: RetractionReason | null;
}
