import { AuthenticatedClient } from '@app/pki';
import { EvidenceHistory, EvidenceRecorded, TransferService } from '@app/transfers';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_ENTRY_HEADER_DOC, answerWithLogEntries } from '../exchange-log/log-entry-header';
import { parseEvidenceBody } from './evidence-body';
import { TransferIdPipe } from './transfer-id.pipe';
import { actingVendor, vendorOf } from './transfers.controller';

/**
 * Evidence of inzage and consent (issue #11): the sending school's vendor records it, and the release
 * gate decides on the request path. Who may see what is checked by the transfer service on every call.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class EvidenceController {
  constructor(private readonly transfers: TransferService) {}

  @ApiOperation({
    summary: 'Record evidence of inzage or consent for the current version (sending side)',
    description:
      'One act (`inzage`, `consent`, `consent_withdrawn`) for the transfer’s current version and its receiving ' +
      'school. Append-only. The release gate decides at once: the answer holds its decision and the transfer’s ' +
      'new state (`release_queued`, `awaiting_evidence` or `blocked`). People are a role plus a short label.',
  })
  @ApiCreatedResponse({ description: 'The record and the gate’s decision.', headers: LOG_ENTRY_HEADER_DOC })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'EVIDENCE_INVALID',
    'EVIDENCE_PERSONAL_DATA',
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'EVIDENCE_NOT_FOR_THIS_TRANSFER',
    'MATCH_NOT_APPROVED',
    'TRANSFER_STATE_CONFLICT',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Post('transfers/:id/evidence')
  @HttpCode(201)
  async record(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EvidenceRecorded> {
    const recorded = await this.transfers.recordEvidence(actingVendor(client), id, parseEvidenceBody(body));
    return answerWithLogEntries(response, recorded);
  }

  @ApiOperation({
    summary: 'The evidence and the gate’s current decision (either side)',
    description:
      'The sending side gets every record and the full reasons; the receiving side only the gate’s outcome ' +
      'and general reasons, never who acted. Anyone else gets `404 TRANSFER_NOT_FOUND`.',
  })
  @ApiOkResponse({ description: 'The history (sender) or the gate’s state (receiver).' })
  @ApiErrorResponses({ signed: true, vendorOnly: true }, 'TRANSFER_NOT_FOUND', 'DATABASE_BUSY')
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Get('transfers/:id/evidence')
  history(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
  ): Promise<EvidenceHistory> {
    return this.transfers.evidenceHistory(vendorOf(client), id);
  }
}
