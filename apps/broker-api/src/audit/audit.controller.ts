import { AuthenticatedClient } from '@app/pki';
import { Controller, Get, applyDecorators, Header, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_RETRY_AFTER_SECONDS } from '../exchange-log/log-proofs.controller';
import { AuditError } from './audit-error';
import { AuditEntryPage, AuditQueries, AuditTimeline, LogIntegrity } from './audit-queries.service';
import { entriesQuerySchema, filterOf, parseAudit } from './audit-query-parsing';
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
  constructor(private readonly audit: AuditQueries) {}

  @ApiOperation({
    summary: 'Exchange log entries in your scope, newest first',
    description:
      'Filtered and paged (cursor). Each entry carries its leaf bytes and the broker’s own check of it ' +
      'against the latest signed checkpoint (`integrity`); with `proofs=true` also its inclusion proof.',
  })
  @ApiEntryFilterQueries()
  @ApiOkResponse({ description: 'One page of entries, and the checkpoint they were checked against.' })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_FILTER_INVALID', 'CURSOR_INVALID')
  @Get('entries')
  @Header('Cache-Control', 'no-store')
  entries(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<AuditEntryPage> {
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
  @ApiOkResponse({ description: 'The entries and the checkpoint their proofs lead to.' })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY', 'AUDIT_TRANSFER_NOT_FOUND')
  @Get('transfers/:transferId/timeline')
  @Header('Cache-Control', 'no-store')
  timeline(
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
  async checkpoint(
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
  @ApiOkResponse({ description: '`ok`, the tree size, and the first problem when there is one.' })
  @ApiErrorResponses({ signed: true }, 'AUDITOR_ONLY')
  @Get('integrity')
  @Header('Cache-Control', 'no-store')
  integrity(@Client() client: AuthenticatedClient): Promise<LogIntegrity> {
    return this.audit.integrity(auditorOf(client));
  }
}

export function noCheckpointYet(): AuditError {
  return new AuditError(
    'LOG_CHECKPOINT_NOT_YET_MADE',
    `The exchange log has no signed checkpoint yet (it makes one once entries arrive); ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
    LOG_RETRY_AFTER_SECONDS,
  );
}
