import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A consent declaration document as the sending school uploaded it: the bytes whose SHA-256 and media type
 * its consent record holds, sealed with the vault (its own data key). Tied to the version the consent is
 * for (`versionId`): when that version's payload is purged, so is this one (payload columns NULL,
 * `purgedAt` set). Only the sending side may read it back.
 */
@Entity({ name: 'consent_declarations' })
export class ConsentDeclarationEntity {
  @PrimaryColumn({ name: 'evidence_id', type: 'uuid' })
  evidenceId!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType!: string;

  @Column({ name: 'byte_length', type: 'integer' })
  byteLength!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

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

  @Column({ name: 'stored_by_vendor_id', type: 'varchar', length: 64 })
  storedByVendorId!: string;

  @Column({ name: 'stored_at', type: 'timestamptz' })
  storedAt!: Date;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;
}
