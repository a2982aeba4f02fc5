import { AuthenticatedClient } from '@app/pki';
import { MatchAnswer, TransferError, TransferService, TransferView } from '@app/transfers';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiBodyOptions, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_ENTRY_HEADER_DOC, answerWithLogEntries } from '../exchange-log/log-entry-header';
import { IDEMPOTENCY_ERRORS, Idempotent } from '../idempotency';
import { TransferIdPipe } from './transfer-id.pipe';
import { actingVendor } from './transfers.controller';

const matchAnswerSchema = z
  .object({
    versionHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits'),
  })
  .strict();

/** The body's version hash, or a 400 naming the field (never echoing the value). */
function versionHashOf(body: unknown): string {
  const result = matchAnswerSchema.safeParse(body ?? {});
  if (result.success) return result.data.versionHash;
  const issue = result.error.issues[0];
  throw new TransferError(
    'REQUEST_INVALID',
    'invalid',
    `body: ${issue.path.join('.') || 'body'}: ${issue.message}.`,
  );
}

const MATCH_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['versionHash'],
    additionalProperties: false,
    properties: {
      versionHash: {
        type: 'string',
        pattern: '^[0-9a-f]{64}$',
        description: 'The matched version’s `canonicalSha256` (the transfer’s `currentVersion`).',
      },
    },
  },
};

const MATCH_ERRORS = [
  'REQUEST_INVALID',
  'TRANSFER_NOT_FOUND',
  'ROLE_NOT_ALLOWED',
  'MATCH_NOT_AWAITING_APPROVAL',
  'MATCH_VERSION_MISMATCH',
  'TRANSFER_LINE_BUSY',
  'DATABASE_BUSY',
] as const;

/**
 * The sender decides where a dossier goes (issue #11, item 1): a version staged ahead (`POST /v1/dossiers`)
 * that matched a request waits in `awaiting_approval` until the sending school's vendor approves or
 * refuses the match. The receiving side sees a plain `requested` until then.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class MatchApprovalController {
  constructor(private readonly transfers: TransferService) {}

  @ApiOperation({
    summary: 'Approve the match of a version staged ahead (sending side)',
    description:
      'Names this transfer’s receiving school for the version that was staged ahead and matched to it ' +
      '(state `awaiting_approval`). The transfer then goes on as if the version had been staged for it: ' +
      '`dossier_staged`, and the release gate looks (evidence already recorded for this content counts).',
  })
  @ApiBody(MATCH_BODY)
  @ApiOkResponse({ description: 'The transfer.', headers: LOG_ENTRY_HEADER_DOC })
  @ApiErrorResponses({ signed: true, body: 'json', vendorOnly: true }, ...MATCH_ERRORS, ...IDEMPOTENCY_ERRORS)
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/match-approval')
  @HttpCode(200)
  approve(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    return this.answer(client, id, body, 'approve', response);
  }

  @ApiOperation({
    summary: 'Refuse the match of a version staged ahead (sending side)',
    description:
      'The sending school will not send this version to this receiving school: the transfer goes back to ' +
      '`requested` without a version. A later version staged for it (or staged ahead and approved) serves it.',
  })
  @ApiBody(MATCH_BODY)
  @ApiOkResponse({ description: 'The transfer.', headers: LOG_ENTRY_HEADER_DOC })
  @ApiErrorResponses({ signed: true, body: 'json', vendorOnly: true }, ...MATCH_ERRORS, ...IDEMPOTENCY_ERRORS)
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/match-refusal')
  @HttpCode(200)
  refuse(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    return this.answer(client, id, body, 'refuse', response);
  }

  private async answer(
    client: AuthenticatedClient,
    id: string,
    body: unknown,
    answer: MatchAnswer,
    response: Response,
  ): Promise<TransferView> {
    const vendor = actingVendor(client);
    const recorded = await this.transfers.answerMatch(vendor, id, versionHashOf(body), answer);
    return answerWithLogEntries(response, recorded);
  }
}
