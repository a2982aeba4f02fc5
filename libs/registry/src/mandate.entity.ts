import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SchoolEntity } from './school.entity';
import { VendorEntity } from './vendor.entity';

export const MANDATE_SIDES = ['source', 'target', 'both'] as const;
export type MandateSide = (typeof MANDATE_SIDES)[number];

/**
 * A school's permission for a vendor to act on its behalf. Kept as history: revoking sets `revokedAt`
 * instead of deleting, so an auditor can see who could act for a school at any moment.
 */
@Entity({ name: 'mandates' })
export class MandateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'school_id', type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => SchoolEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: SchoolEntity;

  @Column({ name: 'vendor_id', type: 'varchar', length: 64 })
  vendorId!: string;

  @ManyToOne(() => VendorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vendor_id' })
  vendor?: VendorEntity;

  /** Which side of a transfer the vendor may act on for this school: sending, receiving or both. */
  @Column({ type: 'varchar', length: 6, default: 'both' })
  side!: MandateSide;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
