import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TransferState } from './transfer-lifecycle';

/** A receiving school's request for a pupil's dossier from a sending school, and where it stands. */
@Entity({ name: 'transfers' })
export class TransferEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'target_school_id', type: 'uuid' })
  targetSchoolId!: string;

  @Column({ name: 'source_school_id', type: 'uuid' })
  sourceSchoolId!: string;

  @Column({ name: 'pupil_key_hash', type: 'char', length: 64 })
  pupilKeyHash!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 20 })
  state!: TransferState;

  @Column({ name: 'current_version_id', type: 'uuid', nullable: true })
  currentVersionId!: string | null;

  @Column({ name: 'released_version_id', type: 'uuid', nullable: true })
  releasedVersionId!: string | null;

  @Column({ name: 'requested_by_vendor_id', type: 'varchar', length: 64 })
  requestedByVendorId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
