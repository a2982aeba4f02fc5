import type { DossierVerdict } from '@app/oso-dataset';
import { StagingValidation, TransferError } from '@app/transfers';
import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RequestWithRawBody } from '../request-bodies/request-bodies';

/**
 * Onboarding aid: the broker's strict verdict on a dossier, without staging anything. A vendor can
 * test its export against exactly the rules staging will apply (the same pool, the same engine).
 */
@Controller('v1/validate')
export class ValidateController {
  constructor(private readonly validation: StagingValidation) {}

  @Post()
  @HttpCode(200)
  async validate(
    @Req() request: RequestWithRawBody,
  ): Promise<Omit<DossierVerdict, 'facts'> & { facts: unknown }> {
    if (!Buffer.isBuffer(request.body)) {
      throw new TransferError(
        'DOSSIER_CONTENT_TYPE',
        'invalid',
        'Send the dossier as the request body with Content-Type: application/xml.',
      );
    }
    const verdict = await this.validation.validate(request.body);
    // The facts hold the pupil's identity (BSN, birth date): the vendor sent them, but an answer that
    // repeats them could end up in logs; the profile and kind of transfer are what a vendor needs here.
    return {
      ...verdict,
      facts: verdict.facts
        ? {
            profile: verdict.facts.profile,
            overdrachtsoort: verdict.facts.overdrachtsoort,
            categories: verdict.facts.categories,
          }
        : null,
    };
  }
}
