import { Column, Entity, PrimaryColumn } from 'typeorm';

export const BOARD_INSTRUCTION_KINDS = ['release_policy', 'metadata_retention'] as const;
export type BoardInstructionKind = (typeof BOARD_INSTRUCTION_KINDS)[number];

/**
 * One instruction of a school board (bevoegd gezag) to the broker, for all its schools (issue #11): the
 * release policy it chose, or how long metadata and evidence are kept. Append-only: a new decision is a new
 * row; the latest effective one of its kind wins (see `board-instruction-repository.ts`). A board has no
 * certificate: its LAS vendor records the instruction, and the row names that vendor and its certificate.
 */
@Entity({ name: 'board_instructions' })
export class BoardInstructionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'bevoegd_gezag', type: 'char', length: 5 })
  bevoegdGezag!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: BoardInstructionKind;

  /** `release_policy`: the policy's id and version, as the release gate knows them. */
  @Column({ name: 'policy_id', type: 'varchar', length: 32, nullable: true })
  policyId!: string | null;

  @Column({ name: 'policy_version', type: 'integer', nullable: true })
  policyVersion!: number | null;

  /** `metadata_retention`: months after release, and when the pupil is referred to special education. */
  @Column({ name: 'after_release_months', type: 'integer', nullable: true })
  afterReleaseMonths!: number | null;

  @Column({ name: 'special_education_months', type: 'integer', nullable: true })
  specialEducationMonths!: number | null;

  /** The board's decision date ('YYYY-MM-DD'): the instruction holds from that day (Dutch calendar). */
  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'recorded_by_vendor_id', type: 'varchar', length: 64 })
  recordedByVendorId!: string;

  /** SHA-256 (hex) of the client certificate the vendor signed the instruction with. */
  @Column({ name: 'certificate_fingerprint', type: 'char', length: 64 })
  certificateFingerprint!: string;
}
