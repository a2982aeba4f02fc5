import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TransferActor, TransferEvent, TransferState } from './transfer-lifecycle';

/** One change of a transfer's state: what happened, who caused it, which dossier version it concerned. */
@Entity({ name: 'transfer_history' })
export class TransferHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ type: 'varchar', length: 24 })
  event!: TransferEvent | 'request';

  @Column({ name: 'from_state', type: 'varchar', length: 20, nullable: true })
  fromState!: TransferState | null;

  @Column({ name: 'to_state', type: 'varchar', length: 20 })
  toState!: TransferState;

  @Column({ type: 'varchar', length: 16 })
  actor!: TransferActor;

  @Column({ name: 'actor_vendor_id', type: 'varchar', length: 64, nullable: true })
  actorVendorId!: string | null;

  @Column({ name: 'version_id', type: 'uuid', nullable: true })
  versionId!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
