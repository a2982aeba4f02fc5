import { AuthenticatedClient } from '@app/pki';
import { RETRACTION_REASONS, RetractionResult, TransferService, TransferView } from '@app/transfers';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
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
import { actingVendor, parse } from './transfers.controller';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits');
const reason = z.enum(RETRACTION_REASONS);
const transferRetractionSchema = z.object({ versionHash: sha256, reason }).strict();
const stagedRetractionSchema = z.object({ reason }).strict();

const VERSION_HASH_PARAM = {
  name: 'versionHash',
  description: 'The version’s canonicalSha256 (64 lowercase hex digits), as in its DossierVersionView.',
  schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
} as const;

/**
 * Retraction before release (issue #11, item 5): the sending school's vendor takes a version back, its
 * key is destroyed at once. Who may do it is checked by the transfer service on every call.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class RetractionController {
  constructor(private readonly transfers: TransferService) {}

  @ApiOperation({
    summary: 'Retract a version before release (sending side)',
    description:
      'Takes back every version of this transfer’s pupil at its sending school with this `versionHash` ' +
      '(wrong pupil, wrong content). Their keys are destroyed at once; every open transfer they served, ' +
      'this one included, goes back to `requested` without a current version (a queued release does not ' +
      'happen). A released version cannot be retracted (`409 VERSION_ALREADY_RELEASED`). Repeating it ' +
      'changes nothing.',
  })
  @ApiBody({
    schema: docs.ref('VersionRetraction'),
    examples: {
      retraction: { value: { versionHash: docs.EXAMPLE_VERSION.canonicalSha256, reason: 'wrong_pupil' } },
    },
  })
  @ApiOkResponse({
    description: 'The transfer after the retraction.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('TransferView', { requested: { ...docs.EXAMPLE_NEW_TRANSFER, roles: ['source'] } }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'REQUEST_INVALID',
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'VERSION_NOT_FOUND',
    'VERSION_ALREADY_RELEASED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/retraction')
  @HttpCode(200)
  async retractForTransfer(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    const input = parse(transferRetractionSchema, body, 'body');
    return answerWithLogEntries(
      response,
      await this.transfers.retractForTransfer(actingVendor(client), id, input),
    );
  }

  @ApiOperation({
    summary: 'Retract a version staged ahead, before release (sending side)',
    description:
      'For a version staged ahead of any request (or any unreleased one), at a school that mandated you to ' +
      'send for it. Its key is destroyed at once; a later request is not matched with it, and open ' +
      'transfers it served go back to `requested`. Repeating it changes nothing.',
  })
  @ApiBody({
    schema: docs.ref('StagedVersionRetraction'),
    examples: { retraction: { value: { reason: 'wrong_content' } } },
  })
  @ApiOkResponse({
    description: 'What was retracted.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('RetractionResult', { retracted: docs.EXAMPLE_RETRACTION }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'REQUEST_INVALID',
    'VERSION_NOT_FOUND',
    'VERSION_ALREADY_RELEASED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(VERSION_HASH_PARAM)
  @Idempotent()
  @Post('dossiers/:versionHash/retraction')
  @HttpCode(200)
  async retractStaged(
    @Client() client: AuthenticatedClient,
    @Param('versionHash') versionHash: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RetractionResult> {
    const input = parse(stagedRetractionSchema, body, 'body');
    const hash = parse(sha256, versionHash.toLowerCase(), 'versionHash');
    return answerWithLogEntries(
      response,
      await this.transfers.retractStaged(actingVendor(client), { versionHash: hash, reason: input.reason }),
    );
  }
}
