import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { VendorEntity } from './vendor.entity';

/**
 * A client certificate bound to exactly one registry entry (a vendor or an auditor). Only a bound, unrevoked
 * certificate authenticates; trust in the issuer alone is not enough.
 */
@Entity({ name: 'client_certificates' })
export class ClientCertificateEntity {
  /** SHA-256 over the DER certificate, lower-case hex without separators. */
  @PrimaryColumn({ name: 'fingerprint_sha256', type: 'char', length: 64 })
  fingerprintSha256!: string;

  /** Serial number, lower-case hex without leading zeros (as OpenSSL and Node print it, lower-cased). */
  @Column({ type: 'varchar', length: 64 })
  serial!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 40, nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'vendor_id', type: 'varchar', length: 64, nullable: true })
  vendorId!: string | null;

  @ManyToOne(() => VendorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vendor_id' })
  vendor?: VendorEntity | null;

  @Column({ name: 'auditor_id', type: 'uuid', nullable: true })
  auditorId!: string | null;

  @ManyToOne(() => AuditorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auditor_id' })
  auditor?: AuditorEntity | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
