import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RecallReason } from './recall-notice';

/**
 * A signed recall notice for a released version (#11, item 5): the sender's recall, as the broker signed
 * it. Append-only; one per transfer and version. `notice` holds the exact bytes signed.
 */
@Entity({ name: 'recall_notices' })
export class RecallNoticeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @Column({ name: 'version_hash', type: 'char', length: 64 })
  versionHash!: string;

  @Column({ type: 'varchar', length: 16 })
  reason!: RecallReason;

  @Column({ name: 'issued_by_vendor_id', type: 'varchar', length: 64 })
  issuedByVendorId!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ type: 'text' })
  notice!: string;

  @Column({ name: 'signature_algorithm', type: 'varchar', length: 32 })
  signatureAlgorithm!: string;

  @Column({ name: 'key_id', type: 'char', length: 64 })
  keyId!: string;

  @Column({ type: 'bytea' })
  signature!: Buffer;
}
