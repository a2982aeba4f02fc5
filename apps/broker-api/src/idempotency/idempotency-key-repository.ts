import type { IdempotencyKeyState } from '@app/broker-schema';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** One vendor's key, as the requests see it: its hashes only. */
export interface KeyRef {
  vendorId: string;
  keySha256: string;
}

/** A key as found when it could not be claimed. */
export interface KeyHolder {
  requestSha256: string;
  state: IdempotencyKeyState;
  /** Whole seconds until the holder's lease lapses; 0 when it has. */
  leaseSecondsLeft: number;
  answer: StoredAnswer | null;
}

export interface StoredAnswer {
  status: number;
  /** The JSON body, as sent. */
  body: string;
  headers: Record<string, string>;
}

export interface KeyTimes {
  leaseSeconds: number;
  retentionHours: number;
}

/**
 * The SQL of `idempotency_keys`. Times are the database's (`now()`), so instances whose clocks differ
 * agree on leases and expiry. A claim is committed on its own; the step it guards marks it `committed`
 * in the step's transaction (`markCommitted`), with the token it was claimed with.
 */
export class IdempotencyKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request; the claim token, or null when another attempt holds it. A key
   * past its retention is claimed anew, and so is one whose attempt died (lease lapsed, nothing
   * committed) for the same request.
   */
  async claim(key: KeyRef, requestSha256: string, times: KeyTimes): Promise<string | null> {
    const rows: Array<{ claim_token: string }> = await this.dataSource.query(
      `INSERT INTO idempotency_keys AS held
              (vendor_id, key_sha256, request_sha256, state, claim_token, lease_until, created_at, expires_at)
       VALUES ($1, $2, $3, 'in_flight', $4, now() + make_interval(secs => $5), now(),
               now() + make_interval(hours => $6))
       ON CONFLICT (vendor_id, key_sha256) DO UPDATE
          SET request_sha256 = EXCLUDED.request_sha256, state = 'in_flight',
              claim_token = EXCLUDED.claim_token, lease_until = EXCLUDED.lease_until,
              created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
              answer_status = NULL, answer_body = NULL, answer_headers = NULL
        WHERE held.expires_at <= now()
           OR (held.state = 'in_flight' AND held.lease_until <= now()
               AND held.request_sha256 = EXCLUDED.request_sha256)
       RETURNING claim_token`,
      [key.vendorId, key.keySha256, requestSha256, randomUUID(), times.leaseSeconds, times.retentionHours],
    );
    return rows[0]?.claim_token ?? null;
  }

  /** The key's holder, or null when there is none (deleted meanwhile: claim again). */
  async holder(key: KeyRef): Promise<KeyHolder | null> {
    const rows: Array<{
      request_sha256: string;
      state: IdempotencyKeyState;
      lease_seconds_left: number;
      answer_status: number | null;
      answer_body: string | null;
      answer_headers: Record<string, string> | null;
    }> = await this.dataSource.query(
      `SELECT request_sha256, state, answer_status, answer_body, answer_headers,
              GREATEST(0, ceil(extract(epoch FROM lease_until - now())))::integer AS lease_seconds_left
         FROM idempotency_keys
        WHERE vendor_id = $1 AND key_sha256 = $2 AND expires_at > now()`,
      [key.vendorId, key.keySha256],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      requestSha256: row.request_sha256,
      state: row.state,
      leaseSecondsLeft: row.lease_seconds_left,
      answer:
        row.answer_status !== null && row.answer_body !== null
          ? { status: row.answer_status, body: row.answer_body, headers: row.answer_headers ?? {} }
          : null,
    };
  }

  /** In the guarded step's transaction: the step is done under this key; false when the claim was lost. */
  async markCommitted(manager: EntityManager, key: KeyRef, token: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE idempotency_keys SET state = 'committed'
        WHERE vendor_id = $1 AND key_sha256 = $2 AND claim_token = $3 AND state <> 'completed'
       RETURNING 1 AS marked`,
      [key.vendorId, key.keySha256, token],
    );
    return affected(rows) > 0;
  }

  /** Keeps the attempt's claim alive while it runs. */
  async renewLease(key: KeyRef, token: string, leaseSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $4)
        WHERE vendor_id = $1 AND key_sha256 = $2 AND claim_token = $3 AND state <> 'completed'`,
      [key.vendorId, key.keySha256, token, leaseSeconds],
    );
  }

  /** Stores the answer to replay; false when the claim was lost meanwhile. */
  async complete(key: KeyRef, token: string, answer: StoredAnswer): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE idempotency_keys
          SET state = 'completed', answer_status = $4, answer_body = $5, answer_headers = $6::jsonb
        WHERE vendor_id = $1 AND key_sha256 = $2 AND claim_token = $3 AND state <> 'completed'
       RETURNING 1 AS completed`,
      [key.vendorId, key.keySha256, token, answer.status, answer.body, JSON.stringify(answer.headers)],
    );
    return affected(rows) > 0;
  }

  /** An attempt that did nothing (refused, or failed before its step committed) gives the key back. */
  async release(key: KeyRef, token: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE vendor_id = $1 AND key_sha256 = $2 AND claim_token = $3 AND state = 'in_flight'`,
      [key.vendorId, key.keySha256, token],
    );
  }

  /** Deletes up to `batch` keys past their retention; how many. */
  async purgeExpired(batch: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)
       RETURNING 1 AS purged`,
      [batch],
    );
    return affected(rows);
  }
}

/**
 * Rows of an UPDATE or DELETE … RETURNING: TypeORM's PostgreSQL driver hands those back as
 * `[rows, rowCount]`, a SELECT's as the rows.
 */
function affected(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}
