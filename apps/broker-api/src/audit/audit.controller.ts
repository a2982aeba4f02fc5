import { AuthenticatedClient } from '@app/pki';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_RETRY_AFTER_SECONDS } from '../exchange-log/log-proofs.controller';
import { AuditError } from './audit-error';
import { AuditEntryPage, AuditQueries, AuditTimeline, CheckedLogIntegrity } from './audit-queries.service';
import {
  consistencyQuerySchema,
  entriesQuerySchema,
  exportQuerySchema,
  filterOf,
  incidentQuerySchema,
  parseAudit,
  pupilReportSchema,
} from './audit-query-parsing';
import { AuditConsistencyProof, AuditEntryProof, AuditProofs } from './audit-proofs.service';
import { AuditReports, IncidentReport, PupilReport } from './audit-reports.service';
import { auditorOf } from './auditor-of';

const ENTRY_FILTER_QUERIES: Array<{ name: string; description: string }> = [
  { name: 'from', description: 'Entries at or after this time (ISO 8601).' },
  { name: 'to', description: 'Entries before this time (ISO 8601).' },
  {
    name: 'school',
    description: 'A school code (BRIN + vestiging): entries naming it as source, target or subject.',
  },
  { name: 'transfer', description: 'A transfer id.' },
  { name: 'type', description: 'An event type (docs/exchange-log.md).' },
  { name: 'actorKind', description: 'vendor, auditor, broker or operator.' },
  { name: 'actorId', description: 'A vendor id, auditor name or broker component.' },
  { name: 'certificate', description: 'SHA-256 fingerprint (lowercase hex) of the actor’s certificate.' },
  { name: 'cursor', description: 'The nextCursor of the previous page.' },
  { name: 'limit', description: 'Entries per page, 1-200 (default 50).' },
  {
    name: 'proofs',
    description: '`true`: each entry with its inclusion proof against the page’s checkpoint.',
  },
];

function ApiEntryFilterQueries(): MethodDecorator {
  return applyDecorators(
    ...ENTRY_FILTER_QUERIES.map(({ name, description }) => ApiQuery({ name, description, required: false })),
  );
}

/**
 * The auditor API (issue #10, item 6): auditor certificates only, signed like every /v1 route. A board
 * auditor sees the schools of its boards, a supervisory one everything; every query is on the record.
 */
@ApiTags(API_TAGS.audit)
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly reports: AuditReports,
    private readonly proofs: AuditProofs,
  ) {}

  @ApiOperation({
    summary: 'Exchange log entries in your scope, newest first',
    description:
      'Filtered and paged (cursor). Each entry carries its leaf bytes and the broker’s own check of it ' +
      'against the latest signed checkpoint (`integrity`); with `proofs=true` also its inclusion proof.',
  })
  @ApiEntryFilterQueries()
  @ApiOkResponse({
    description: 'One page of entries, and the checkpoint they were checked against.',
    content: docs.jsonOf('AuditEntryPage', {}),
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_FILTER_INVALID', 'CURSOR_INVALID')
  @Get('entries')
  @Header('Cache-Control', 'no-store')
  auditEntries(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<AuditEntryPage> {
    const auditor = auditorOf(client);
    const parsed = parseAudit(entriesQuerySchema, query, 'query');
    return this.audit.entries(
      auditor,
      filterOf(parsed),
      { cursor: parsed.cursor, limit: parsed.limit },
      parsed.proofs === 'true',
    );
  }

  @ApiOperation({
    summary: 'A transfer’s timeline',
    description: 'Every entry about the transfer, oldest first, each with its inclusion proof.',
  })
  @ApiParam({ name: 'transferId', description: 'The transfer’s id (a UUID).', schema: { type: 'string' } })
  @ApiOkResponse({
    description: 'The entries and the checkpoint their proofs lead to.',
    content: docs.jsonOf('AuditTimeline', {}),
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_TRANSFER_NOT_FOUND')
  @Get('transfers/:transferId/timeline')
  @Header('Cache-Control', 'no-store')
  auditTimeline(
    @Client() client: AuthenticatedClient,
    @Param('transferId') transferId: string,
  ): Promise<AuditTimeline> {
    return this.audit.timeline(auditorOf(client), transferId);
  }

  @ApiOperation({
    summary: 'The latest signed checkpoint of the exchange log',
    description: 'A C2SP signed note; verify it with the log’s public key (`log-key.pub`).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The signed note.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'LOG_CHECKPOINT_NOT_YET_MADE')
  @Get('checkpoint')
  @Header('Cache-Control', 'no-store')
  async auditCheckpoint(
    @Client() client: AuthenticatedClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const checkpoint = await this.audit.checkpoint(auditorOf(client));
    if (checkpoint === null) throw noCheckpointYet();
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    return checkpoint.signedNote;
  }

  @ApiOperation({
    summary: 'The whole log checked against the latest checkpoint',
    description:
      'Every entry re-hashed and the tree rebuilt, as `oso audit verify` does with an export; names the ' +
      'first leaf (and entry) that does not match what the log signed.',
  })
  @ApiOkResponse({
    description: '`ok`, the tree size, and the first problem when there is one.',
    content: docs.jsonOf('LogIntegrity', {}),
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY')
  @Get('integrity')
  @Header('Cache-Control', 'no-store')
  auditIntegrity(@Client() client: AuthenticatedClient): Promise<CheckedLogIntegrity> {
    return this.audit.integrity(auditorOf(client));
  }

  @ApiOperation({
    summary: 'A pupil’s exchange history, for a parent’s question asked through the school',
    description:
      'Give exactly one of bsn or onderwijsnummer, and geboortedatum (POST: the number never appears in ' +
      'a URL or access log). The broker computes the pupil key and answers, for the pupil’s transfers in ' +
      'your scope: every version staged (hash, profile, when, by which vendor, data categories), who ' +
      'received which version, and per version the inzage and consent recorded (roles and labels, never ' +
      'remarks) with the release gate’s latest decision. The query is ' +
      'recorded without the number or the birth date.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        bsn: { type: 'string' },
        onderwijsnummer: { type: 'string' },
        geboortedatum: { type: 'string', format: 'date' },
      },
      required: ['geboortedatum'],
      additionalProperties: false,
    },
  })
  @ApiOkResponse({
    description: 'The pupil’s transfers, versions, evidence and fetches in your scope.',
    content: docs.jsonOf('PupilReport', {}),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json' },
    'AUDITOR_ONLY',
    'AUDIT_FILTER_INVALID',
    'PUPIL_KEY_INVALID',
  )
  @Post('pupil-reports')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  auditPupilReport(@Client() client: AuthenticatedClient, @Body() body: unknown): Promise<PupilReport> {
    const auditor = auditorOf(client);
    const key = parseAudit(pupilReportSchema, body, 'body');
    return this.reports.pupilReport(auditor, key);
  }

  @ApiOperation({
    summary: 'Everything one certificate did in a time window, grouped by school',
    description:
      'For an incident (a leaked or misused certificate): the entries made with it, in your scope.',
  })
  @ApiQuery({ name: 'certificate', description: 'SHA-256 fingerprint, lowercase hex.', required: true })
  @ApiQuery({ name: 'from', description: 'At or after (ISO 8601).', required: false })
  @ApiQuery({ name: 'to', description: 'Before (ISO 8601).', required: false })
  @ApiOkResponse({
    description: 'Entries per school, entries naming no school, and whether the list was cut.',
    content: docs.jsonOf('IncidentReport', {}),
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_FILTER_INVALID')
  @Get('incidents')
  @Header('Cache-Control', 'no-store')
  auditIncidents(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<IncidentReport> {
    const auditor = auditorOf(client);
    const parsed = parseAudit(incidentQuerySchema, query, 'query');
    return this.reports.incidentReport(auditor, {
      certificateFingerprint: parsed.certificate,
      ...(parsed.from === undefined ? {} : { from: new Date(parsed.from) }),
      ...(parsed.to === undefined ? {} : { to: new Date(parsed.to) }),
    });
  }

  @ApiOperation({
    summary: 'The inclusion proof of an entry in your scope',
    description:
      'As /v1/log/entries/{entryId}/proof for vendors: leaf, index, proof, and the checkpoint it leads to.',
  })
  @ApiParam({
    name: 'entryId',
    description: 'The entry’s id (a positive integer).',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ description: 'The entry and its proof.', content: docs.jsonOf('LogEntryProof', {}) })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'LOG_ENTRY_NOT_FOUND', 'LOG_ENTRY_NOT_YET_INTEGRATED')
  @Get('entries/:entryId/proof')
  @Header('Cache-Control', 'no-store')
  auditEntryProof(
    @Client() client: AuthenticatedClient,
    @Param('entryId') entryId: string,
  ): Promise<AuditEntryProof> {
    return this.proofs.proof(auditorOf(client), entryId);
  }

  @ApiOperation({
    summary: 'A consistency proof between two tree sizes',
    description:
      'RFC 9162 consistency proof (base64) from `from` leaves to `to` (default: the latest checkpoint).',
  })
  @ApiQuery({ name: 'from', description: 'The earlier tree size (≥ 1).', required: true })
  @ApiQuery({
    name: 'to',
    description: 'The later tree size (default: the latest checkpoint’s).',
    required: false,
  })
  @ApiOkResponse({
    description: 'The proof, and the signed checkpoint of `to` when one was made at that size.',
    content: docs.jsonOf('AuditConsistencyProof', {}),
  })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_FILTER_INVALID', 'LOG_TREE_SIZE_OUT_OF_RANGE')
  @Get('consistency')
  @Header('Cache-Control', 'no-store')
  auditConsistency(
    @Client() client: AuthenticatedClient,
    @Query() query: unknown,
  ): Promise<AuditConsistencyProof> {
    const auditor = auditorOf(client);
    const parsed = parseAudit(consistencyQuerySchema, query, 'query');
    return this.proofs.consistency(auditor, parsed.from, parsed.to);
  }

  @ApiOperation({
    summary: 'Export the log (JSON Lines) under its latest checkpoint',
    description:
      'A supervisory auditor without from/to gets the whole tree (oso-exchange-log-export/v1); every ' +
      'other export is partial (v2): your schools’ entries in the window, each with its inclusion proof, ' +
      'and with `previous` a consistency proof from that earlier tree size. Verify with `oso audit verify`.',
  })
  @ApiQuery({ name: 'from', description: 'Entries at or after (ISO 8601).', required: false })
  @ApiQuery({ name: 'to', description: 'Entries before (ISO 8601).', required: false })
  @ApiQuery({
    name: 'previous',
    description: 'The tree size of an earlier checkpoint you hold.',
    required: false,
  })
  @ApiProduces('application/jsonl')
  @ApiOkResponse({
    description: 'Header line, then one line per entry.',
    content: { 'application/jsonl': { schema: { type: 'string' } } },
  })
  @ApiErrorResponses(
    { signed: true },
    'AUDITOR_ONLY',
    'AUDIT_FILTER_INVALID',
    'LOG_TREE_SIZE_OUT_OF_RANGE',
    'LOG_CHECKPOINT_NOT_YET_MADE',
  )
  @Get('export')
  async auditExport(
    @Client() client: AuthenticatedClient,
    @Query() query: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const auditor = auditorOf(client);
    const parsed = parseAudit(exportQuerySchema, query, 'query');
    response.setHeader('Content-Type', 'application/jsonl; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    await this.proofs.export(
      auditor,
      {
        ...(parsed.from === undefined ? {} : { from: new Date(parsed.from) }),
        ...(parsed.to === undefined ? {} : { to: new Date(parsed.to) }),
        ...(parsed.previous === undefined ? {} : { previousSize: parsed.previous }),
      },
      response,
    );
    response.end();
  }
}

export function noCheckpointYet(): AuditError {
  return new AuditError(
    'LOG_CHECKPOINT_NOT_YET_MADE',
    `The exchange log has no signed checkpoint yet (it makes one once entries arrive); ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
    LOG_RETRY_AFTER_SECONDS,
  );
}
