import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A release the gate allowed, written in the transaction that made it say `release`: the release worker's
 * relay turns each row into a queue job and then sets `relayed_at`, so a lost Redis loses no release.
 * The worker asks the gate again.
 */
@Entity({ name: 'release_outbox' })
export class ReleaseOutboxEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @Column({ name: 'version_hash', type: 'char', length: 64 })
  versionHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the relay added its queue job; null until then. */
  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;
}
