import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a key's request stands: claimed, its step committed, or answered (the answer stored). */
export const IDEMPOTENCY_KEY_STATES = ['in_flight', 'committed', 'completed'] as const;
export type IdempotencyKeyState = (typeof IDEMPOTENCY_KEY_STATES)[number];

/**
 * One vendor's Idempotency-Key (issue #14): the request it was first used for (a hash), whether that
 * request's step committed — recorded in the step's own transaction — and the answer to replay. Holds
 * no personal data: the key and the request are hashes, the answer is what the vendor API answers
 * (which never repeats the pupil). Deleted once `expires_at` has passed.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'vendor_id', type: 'varchar', length: 64 })
  vendorId!: string;

  /** SHA-256 (hex) of the key as sent: a vendor's key is never stored, whatever it was made of. */
  @PrimaryColumn({ name: 'key_sha256', type: 'char', length: 64 })
  keySha256!: string;

  /** SHA-256 (hex) over the method, the target and the body's bytes as sent. */
  @Column({ name: 'request_sha256', type: 'char', length: 64 })
  requestSha256!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: IdempotencyKeyState;

  /** Which attempt holds the key; a step commits only with the token it claimed with. */
  @Column({ name: 'claim_token', type: 'uuid' })
  claimToken!: string;

  /** Until when the attempt counts as in flight (renewed while it runs; a killed one lets it lapse). */
  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'answer_status', type: 'smallint', nullable: true })
  answerStatus!: number | null;

  /** The answer's JSON body, as sent. */
  @Column({ name: 'answer_body', type: 'text', nullable: true })
  answerBody!: string | null;

  /** The answer's headers worth replaying (the log entries it wrote), by lower-case name. */
  @Column({ name: 'answer_headers', type: 'jsonb', nullable: true })
  answerHeaders!: Record<string, string> | null;
}
