import { AuthenticatedClient } from '@app/pki';
import { RETRACTION_REASONS, RecallNoticeView, TransferRecalls } from '@app/transfers';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_ENTRY_HEADER_DOC, answerWithLogEntries } from '../exchange-log/log-entry-header';
import { IDEMPOTENCY_ERRORS, Idempotent } from '../idempotency';
import { TransferIdPipe } from './transfer-id.pipe';
import { actingVendor, parse, vendorOf } from './transfers.controller';

const recallSchema = z
  .object({
    versionHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits'),
    reason: z.enum(RETRACTION_REASONS),
  })
  .strict();

/**
 * Recall of a released version (issue #11, item 5): the sender asks, the broker signs a notice for the
 * receiver with its server key. Who may do what is checked by the recall use case on every call.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class RecallController {
  constructor(private readonly recalls: TransferRecalls) {}

  @ApiOperation({
    summary: 'Recall a released version (sending side)',
    description:
      'For a version this transfer released. The broker signs a recall notice (transfer, schools, version ' +
      'hash, reason, time) with the key of its server certificate and makes it available to the receiver ' +
      '(`GET /v1/transfers/{id}/recall-notices`). The version’s key is destroyed once every transfer that ' +
      'released it has recalled it. Recalling it again answers the same notice. Send the corrected version ' +
      'as its own step.',
  })
  @ApiBody({
    schema: docs.ref('VersionRetraction'),
    examples: {
      recall: { value: { versionHash: docs.EXAMPLE_VERSION.canonicalSha256, reason: 'wrong_content' } },
    },
  })
  @ApiOkResponse({
    description: 'The signed notice.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('RecallNotice', { recall: docs.EXAMPLE_RECALL_NOTICE }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'REQUEST_INVALID',
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'VERSION_NOT_RELEASED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/recall')
  @HttpCode(200)
  async recall(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecallNoticeView> {
    const input = parse(recallSchema, body, 'body');
    return answerWithLogEntries(response, await this.recalls.recall(actingVendor(client), id, input));
  }

  @ApiOperation({
    summary: 'The transfer’s signed recall notices (either side)',
    description:
      'Oldest first. Verify each: `signature.keyId` is the SHA-256 fingerprint of the broker’s certificate ' +
      '(the one you verify its answers with); `signature.value` (base64) verifies over the UTF-8 bytes of ' +
      '`notice` with that certificate’s key and `signature.algorithm`.',
  })
  @ApiOkResponse({
    description: 'The notices.',
    content: docs.jsonOf('RecallNoticeList', { one: { items: [docs.EXAMPLE_RECALL_NOTICE] } }),
  })
  @ApiErrorResponses({ signed: true, vendorOnly: true }, 'TRANSFER_NOT_FOUND', 'DATABASE_BUSY')
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Get('transfers/:id/recall-notices')
  notices(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
  ): Promise<{ items: RecallNoticeView[] }> {
    return this.recalls.notices(vendorOf(client), id);
  }
}
