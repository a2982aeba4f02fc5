import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActorKind, ExchangeEventType } from '../entry/exchange-event-types';
import type { DetailValue } from '../entry/exchange-log-entry';

/**
 * The log's tables for readers (the auditor API, exports). Writes go through `appendExchangeEvent` and the
 * sequencer only; the database refuses updates and deletes (migration 1764100000000).
 */
@Entity({ name: 'exchange_log_entries' })
export class ExchangeLogEntryEntity {
  /** From an identity sequence: increasing, with gaps where a transaction rolled back. */
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  at!: Date;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: ExchangeEventType;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: ActorKind;

  @Column({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId!: string;

  @Column({ name: 'actor_certificate_fingerprint', type: 'char', length: 64, nullable: true })
  actorCertificateFingerprint!: string | null;

  @Column({ name: 'source_school', type: 'char', length: 6, nullable: true })
  sourceSchool!: string | null;

  @Column({ name: 'target_school', type: 'char', length: 6, nullable: true })
  targetSchool!: string | null;

  @Column({ name: 'subject_school', type: 'char', length: 6, nullable: true })
  subjectSchool!: string | null;

  @Column({ name: 'transfer_id', type: 'uuid', nullable: true })
  transferId!: string | null;

  @Column({ name: 'version_hash', type: 'char', length: 64, nullable: true })
  versionHash!: string | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, DetailValue>;
  // written_by_tx (xid8) is the sequencer's, read with SQL; TypeORM has no xid8 type.
}

/** An entry's place in the Merkle tree, assigned by the sequencer: leaf indexes are contiguous from 0. */
@Entity({ name: 'exchange_log_leaves' })
export class ExchangeLogLeafEntity {
  @PrimaryColumn({ name: 'leaf_index', type: 'bigint' })
  leafIndex!: string;

  @Column({ name: 'entry_id', type: 'bigint', unique: true })
  entryId!: string;

  @Column({ name: 'integrated_at', type: 'timestamptz' })
  integratedAt!: Date;
}

/** The hash of a perfect subtree of 2^level leaves starting at leaf nodeIndex·2^level (level 0: a leaf). */
@Entity({ name: 'exchange_log_tree_nodes' })
export class ExchangeLogTreeNodeEntity {
  @PrimaryColumn({ type: 'smallint' })
  level!: number;

  @PrimaryColumn({ name: 'node_index', type: 'bigint' })
  nodeIndex!: string;

  @Column({ type: 'bytea' })
  hash!: Buffer;
}

/** A signed checkpoint (C2SP tlog-checkpoint in a signed note) of the tree at one size. */
@Entity({ name: 'exchange_log_checkpoints' })
export class ExchangeLogCheckpointEntity {
  @PrimaryColumn({ name: 'tree_size', type: 'bigint' })
  treeSize!: string;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  @Column({ name: 'signed_note', type: 'text' })
  signedNote!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
