import type { DossierVerdict } from '@app/oso-dataset';
import { AuthenticatedClient } from '@app/pki';
import { StagingValidation, vendorTenant } from '@app/transfers';
import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import { Client } from '../client-authentication/authenticated-client.decorator';
import * as docs from '../api-docs/api-schemas';
import { RequestWithRawBody, dossierBytes } from '../request-bodies/request-bodies';

/**
 * Onboarding aid: the broker's strict verdict on a dossier, without staging anything. A vendor can
 * test its export against exactly the rules staging will apply (the same pool, the same engine).
 */
@ApiTags(API_TAGS.onboarding)
@Controller('v1/validate')
export class ValidateController {
  constructor(private readonly validation: StagingValidation) {}

  @ApiOperation({
    summary: 'Validate a dossier without staging it',
    description:
      'The strict verdict staging would give, with every finding; nothing is stored and the pupil is not ' +
      'repeated. An invalid dossier is still a `200` with `valid: false`. Auditors may call it too.',
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string' }, examples: { dossier: { value: docs.EXAMPLE_DOSSIER_XML } } })
  @ApiOkResponse({
    description: 'The verdict.',
    content: docs.jsonOf('DossierVerdict', {
      valid: docs.EXAMPLE_VERDICT_VALID,
      invalid: docs.EXAMPLE_VERDICT_INVALID,
      unreadable: docs.EXAMPLE_VERDICT_UNREADABLE,
    }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'xml' },
    'DOSSIER_CONTENT_TYPE',
    'DOSSIER_TOO_COMPLEX',
    'VALIDATION_CAPACITY_EXHAUSTED',
  )
  @Post()
  @HttpCode(200)
  async validate(
    @Client() client: AuthenticatedClient,
    @Req() request: RequestWithRawBody,
  ): Promise<Omit<DossierVerdict, 'facts'> & { facts: unknown }> {
    // Each organisation validates in its own share of the threads; auditors count as their own.
    const tenant = client.kind === 'vendor' ? vendorTenant(client.vendorId) : `auditor:${client.auditorName}`;
    const verdict = await this.validation.validate(dossierBytes(request), tenant);
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
