import {
  DossierValidationPool,
  DossierVerdict,
  ValidationCapacityError,
  ValidationMemoryExceededError,
} from '@app/oso-dataset';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { TransferError } from './transfer-error';

export const STAGING_VALIDATOR = Symbol('STAGING_VALIDATOR');

/** When a vendor whose validations are all taken should try again: about one large dossier's time. */
export const VALIDATION_RETRY_AFTER_SECONDS = 5;

/** The tenant a vendor's validations are queued and counted under. */
export const vendorTenant = (vendorId: string): string => `vendor:${vendorId}`;

/**
 * Strict validation with the canonical hash, on the worker pool, in the calling client's fair share;
 * closed with the application. The pool's refusals become the API's: busy is 503, too large for a
 * thread's memory is 422.
 */
@Injectable()
export class StagingValidation implements OnModuleDestroy {
  private readonly logger = new Logger('StagingValidation');

  constructor(@Inject(STAGING_VALIDATOR) readonly pool: DossierValidationPool) {}

  async validate(bytes: Buffer, tenant: string): Promise<DossierVerdict> {
    try {
      return await this.pool.validate(bytes, { ruleSet: 'strict', withContentHash: true }, tenant);
    } catch (error) {
      // For the operator: who is refused, never what the dossier holds.
      if (error instanceof ValidationCapacityError) {
        this.logger.warn(`validation refused (${error.reason}) for ${tenant}`);
        throw new TransferError(
          'VALIDATION_CAPACITY_EXHAUSTED',
          'unavailable',
          error.reason === 'tenant_queue_full'
            ? `Your organisation already has the most dossiers waiting for validation that it may; nothing was stored. Send fewer at once and retry after ${VALIDATION_RETRY_AFTER_SECONDS} s (see Retry-After).`
            : `The broker has the most dossiers waiting for validation that it may; nothing was stored. Retry after ${VALIDATION_RETRY_AFTER_SECONDS} s (see Retry-After).`,
          undefined,
          VALIDATION_RETRY_AFTER_SECONDS,
        );
      }
      if (error instanceof ValidationMemoryExceededError) {
        this.logger.warn(`a validation for ${tenant} exceeded its thread's heap; the thread was replaced`);
        throw new TransferError(
          'DOSSIER_TOO_COMPLEX',
          'unprocessable',
          'Validating the dossier needed more memory than one validation may use; nothing was stored. It holds too many elements, or breaks too many rules, to be judged: send fewer elements, or correct it.',
        );
      }
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}
