import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import type { SignedRequest } from './request-signature.guard';

export interface EchoResponse {
  keyId: string;
  label: string;
  algorithm: string;
  coveredComponents: string[];
  created: string;
  nonce: string;
  targetUri: string;
  contentDigest: Array<{ algorithm: string; value: string }> | null;
  bodyBytes: number;
}

/**
 * Onboarding aid (as Erasmus Without Paper offers it): answers a signed request with what the broker
 * verified, so a vendor can see which key, components and digest its signature was checked against.
 * An unsigned or badly signed request gets the guard's 401 with the exact reason.
 */
@ApiTags(API_TAGS.onboarding)
@Controller('v1/echo')
export class EchoController {
  @ApiOperation({
    summary: 'Echo what the broker verified of your signature',
    description:
      'Any body (JSON or XML) or none. A bad signature gets the exact 401 code instead, so this is where to ' +
      'debug a signer.',
  })
  @ApiBody({ required: false, schema: {}, examples: { json: { value: { hello: 'broker' } } } })
  @ApiOkResponse({
    description: 'What was verified.',
    content: docs.jsonOf('EchoResponse', { echo: docs.EXAMPLE_ECHO }),
  })
  @ApiErrorResponses({ signed: true, body: 'any' })
  @Post()
  @HttpCode(200)
  echo(@Req() request: SignedRequest): EchoResponse {
    const signature = request.signature!;
    return {
      keyId: signature.keyId,
      label: signature.label,
      algorithm: signature.algorithm,
      coveredComponents: signature.coveredComponents,
      created: signature.created.toISOString(),
      nonce: signature.nonce,
      targetUri: signature.targetUri,
      contentDigest: signature.digest ?? null,
      bodyBytes: request.rawBody?.length ?? 0,
    };
  }
}
