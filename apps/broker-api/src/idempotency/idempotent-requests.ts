import { withStepParticipant } from '@app/persistence/step-participants';
import { Logger } from '@nestjs/common';
import { IdempotencyKeyRepository, KeyRef, StoredAnswer } from './idempotency-key-repository';
import { keyHash, requestHash } from './idempotency-key';
import { IdempotencyRefusal } from './idempotency-refusal';
import {
  IDEMPOTENCY_KEY_RETENTION_HOURS,
  IDEMPOTENCY_LEASE_SECONDS,
  IDEMPOTENCY_PURGE_BATCH,
} from './idempotency-settings';

/** A request that names an Idempotency-Key, as far as the key is concerned. */
export interface KeyedRequest {
  vendorId: string;
  /** The key, already read (`readIdempotencyKey`). */
  key: string;
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  /** The body's bytes as sent. */
  body: Buffer | undefined;
}

/** How the route answers when it succeeds: its status and the headers it set worth replaying. */
export interface FirstAnswer<T> {
  result: T;
  status: number;
  headers: Record<string, string>;
}

/** The request's answer: carried out now, or the first attempt's answer replayed. */
export type KeyedAnswer<T> = ({ replayed: false } & FirstAnswer<T>) | ({ replayed: true } & StoredAnswer);

/**
 * Idempotency-Key (issue #14; draft-ietf-httpapi-idempotency-key-header, as Stripe does it): a vendor's
 * retry with the same key and the same request gets the first answer again and creates nothing twice,
 * whichever instance takes it. Exactly once comes from PostgreSQL: the key is marked `committed` in the
 * transaction of the step it guards (`withStepParticipant`), so a crash leaves both or neither. In
 * between, a lease says "in flight" to other instances; a killed attempt's lease lapses and the retry runs.
 */
export class IdempotentRequests {
  private readonly logger = new Logger('IdempotentRequests');
  private readonly times = {
    leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
    retentionHours: IDEMPOTENCY_KEY_RETENTION_HOURS,
  };

  constructor(private readonly keys: IdempotencyKeyRepository) {}

  async handle<T>(request: KeyedRequest, carryOut: () => Promise<FirstAnswer<T>>): Promise<KeyedAnswer<T>> {
    const key: KeyRef = { vendorId: request.vendorId, keySha256: keyHash(request.key) };
    const fingerprint = requestHash(request.method, request.target, request.body);
    const claimed = await this.claim(key, fingerprint);
    if (typeof claimed !== 'string') return { replayed: true, ...claimed };
    return this.carryOut(key, claimed, carryOut);
  }

  /** The claim token, or the stored answer to replay; refuses a reused key or one still in flight. */
  private async claim(key: KeyRef, fingerprint: string): Promise<string | StoredAnswer> {
    // Twice at most: a holder may be deleted (expired) between the failed claim and the look at it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.keys.claim(key, fingerprint, this.times);
      if (token) {
        await this.purgeSome();
        return token;
      }
      const holder = await this.keys.holder(key);
      if (!holder) continue;
      if (holder.requestSha256 !== fingerprint) {
        throw new IdempotencyRefusal(
          'IDEMPOTENCY_KEY_REUSED',
          `This Idempotency-Key was used for another request (a different method, path or body) within the last ${IDEMPOTENCY_KEY_RETENTION_HOURS} h; nothing was done. Use a new key for a new request.`,
        );
      }
      if (holder.answer) return holder.answer;
      if (holder.leaseSecondsLeft > 0) {
        throw new IdempotencyRefusal(
          'IDEMPOTENCY_KEY_IN_FLIGHT',
          `The first request with this Idempotency-Key is still being handled; nothing was done again. Retry after ${holder.leaseSecondsLeft} s (see Retry-After) for its answer.`,
          holder.leaseSecondsLeft,
        );
      }
      if (holder.state === 'committed') throw answerLost();
      // An in-flight lease that lapsed just now: the next claim takes it over.
    }
    throw new IdempotencyRefusal(
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'Another request with this Idempotency-Key took it at the same moment; nothing was done again. Retry after 1 s (see Retry-After).',
      1,
    );
  }

  private async carryOut<T>(
    key: KeyRef,
    token: string,
    carryOut: () => Promise<FirstAnswer<T>>,
  ): Promise<KeyedAnswer<T>> {
    let open = true;
    const renewal = setInterval(
      () => {
        this.keys.renewLease(key, token, IDEMPOTENCY_LEASE_SECONDS).catch(() => undefined);
      },
      (IDEMPOTENCY_LEASE_SECONDS * 1000) / 3,
    );
    renewal.unref();
    try {
      const answer = await withStepParticipant(async (manager) => {
        // Work the request left running after its answer is no part of it.
        if (!open) return;
        if (!(await this.keys.markCommitted(manager, key, token))) {
          // Our lease lapsed and another attempt took the key: this step rolls back, that one counts.
          throw new IdempotencyRefusal(
            'IDEMPOTENCY_KEY_IN_FLIGHT',
            `Another request with this Idempotency-Key is being handled; nothing was done again. Retry after ${IDEMPOTENCY_LEASE_SECONDS} s (see Retry-After) for its answer.`,
            IDEMPOTENCY_LEASE_SECONDS,
          );
        }
      }, carryOut);
      open = false;
      const stored = {
        status: answer.status,
        body: JSON.stringify(answer.result ?? null),
        headers: answer.headers,
      };
      const completed = await this.keys.complete(key, token, stored).catch((error: unknown) => {
        // The step is done and the vendor gets its answer; only a retry would miss it (ANSWER_LOST).
        this.logger.warn(`Idempotency-Key answer not stored (${(error as Error).name}); the step stands`);
        return true;
      });
      if (!completed) this.logger.warn('Idempotency-Key claim lost before its answer was stored');
      return { replayed: false, ...answer };
    } catch (error) {
      open = false;
      // Nothing committed under the key (a refusal, a failure): the key is free for the retry at once.
      await this.keys.release(key, token).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /** Keys past their retention go as new ones come: no sweep process, bounded work per request. */
  private async purgeSome(): Promise<void> {
    await this.keys.purgeExpired(IDEMPOTENCY_PURGE_BATCH).catch((error: unknown) => {
      this.logger.warn(`Expired Idempotency-Keys not purged (${(error as Error).name}); next claim retries`);
    });
  }
}

function answerLost(): IdempotencyRefusal {
  return new IdempotencyRefusal(
    'IDEMPOTENCY_ANSWER_LOST',
    'The request with this Idempotency-Key was carried out, but the broker instance handling it stopped before its answer was stored; nothing was done again. Read the result (GET /v1/transfers, or the X-Log-Entry entries of your other answers).',
  );
}
