import { AuthenticatedClient } from '@app/pki';
import { DeclarationStored, EvidenceHistory, EvidenceRecorded, TransferService } from '@app/transfers';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_ENTRY_HEADER_DOC, answerWithLogEntries } from '../exchange-log/log-entry-header';
import { DOCUMENT_MEDIA_TYPES, RequestWithRawBody, documentBody } from '../request-bodies/request-bodies';
import { parseEvidenceBody } from './evidence-body';
import { IDEMPOTENCY_ERRORS, Idempotent } from '../idempotency';
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
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
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

  @ApiOperation({
    summary: 'Upload a consent declaration document (sending side, optional)',
    description:
      'The document a `consent` record names by `declaration.sha256` and `mediaType`, as the raw body with ' +
      'that media type as Content-Type (one of ' +
      DOCUMENT_MEDIA_TYPES.join(', ') +
      '; at most API_MAX_DECLARATION_BYTES). Stored encrypted and destroyed with the dossier version the ' +
      'consent is for; only the sending side can fetch it. Your school keeps its own copy. Repeating it ' +
      'changes nothing (`stored: false`).',
  })
  @ApiConsumes(...DOCUMENT_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'The stored document’s identity.', headers: LOG_ENTRY_HEADER_DOC })
  @ApiErrorResponses(
    { signed: true, body: 'xml', vendorOnly: true },
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'DECLARATION_NOT_RECORDED',
    'DECLARATION_MEDIA_TYPE_MISMATCH',
    'DECLARATION_HASH_MISMATCH',
    'DOSSIER_PURGED',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @ApiParam({ name: 'evidenceId', description: 'The consent record’s `id`.', schema: { type: 'string' } })
  @Idempotent()
  @Put('transfers/:id/evidence/:evidenceId/declaration')
  @HttpCode(201)
  async storeDeclaration(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Param('evidenceId', TransferIdPipe) evidenceId: string,
    @Req() request: RequestWithRawBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeclarationStored> {
    const { bytes, mediaType } = documentBody(request);
    const recorded = await this.transfers.storeDeclaration(
      actingVendor(client),
      id,
      evidenceId,
      mediaType,
      bytes,
    );
    return answerWithLogEntries(response, recorded);
  }

  @ApiOperation({
    summary: 'Fetch a stored consent declaration document (sending side only)',
    description:
      'The bytes as uploaded, with their media type. The receiving side gets `403 ROLE_NOT_ALLOWED`: who ' +
      'signed is the sending school’s business.',
  })
  @ApiProduces(...DOCUMENT_MEDIA_TYPES)
  @ApiOkResponse({ description: 'The document.' })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'DECLARATION_NOT_RECORDED',
    'DECLARATION_NOT_STORED',
    'DATABASE_BUSY',
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @ApiParam({ name: 'evidenceId', description: 'The consent record’s `id`.', schema: { type: 'string' } })
  @Get('transfers/:id/evidence/:evidenceId/declaration')
  @Header('Cache-Control', 'no-store')
  async fetchDeclaration(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Param('evidenceId', TransferIdPipe) evidenceId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { bytes, mediaType } = await this.transfers.fetchDeclaration(vendorOf(client), id, evidenceId);
    response.setHeader('Content-Type', mediaType);
    return new StreamableFile(bytes);
  }
}
