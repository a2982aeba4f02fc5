import { AuthenticatedClient } from '@app/pki';
import {
  Controller,
  Get,
  HttpException,
  Param,
  Query,
  Res,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import type { ErrorCode } from '../api-errors/error-catalogue';
import { AuditError } from '../audit/audit-error';
import {
  AuditCheckpoint,
  AuditEntryPage,
  AuditQueries,
  AuditTimeline,
  CheckedLogIntegrity,
} from '../audit/audit-queries.service';
import { entriesQuerySchema, filterOf, parseAudit } from '../audit/audit-query-parsing';
import { auditorOf } from '../audit/auditor-of';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_RETRY_AFTER_SECONDS } from '../exchange-log/log-proofs.controller';
import { PublicRoute } from '../message-signatures/public-route.decorator';
import { AuditPageAssets } from './audit-page-assets';
import { AuditPageGuard, OpensFromLinks } from './audit-page.guard';

const PAGE_QUERIES: Array<[name: string, description: string]> = [
  ['from', 'Entries at or after this time (ISO 8601).'],
  ['to', 'Entries before this time (ISO 8601).'],
  ['school', 'A school code (BRIN + vestiging).'],
  ['transfer', 'A transfer id.'],
  ['type', 'An event type (docs/exchange-log.md).'],
  ['actorKind', 'vendor, auditor, broker or operator.'],
  ['actorId', 'A vendor id, auditor name or broker component.'],
  ['certificate', 'SHA-256 fingerprint (lowercase hex) of the actor’s certificate.'],
  ['cursor', 'The nextCursor of the previous page.'],
  ['limit', 'Entries per page, 1-200 (default 50).'],
];

/** What the page's routes answer besides their own refusals: the guard's, in front of every one. */
function PageErrors(...codes: ErrorCode[]): MethodDecorator {
  return ApiErrorResponses({}, 'AUDIT_PAGE_CROSS_SITE', 'AUDITOR_ONLY', ...codes);
}

function PageOperation(summary: string, description: string): MethodDecorator {
  return ApiOperation({
    summary,
    description:
      `${description} For the auditor’s browser: mutual TLS with an auditor certificate, no signature, ` +
      'same-origin requests only (`Sec-Fetch-Site`; the page itself also opens from a link on another ' +
      'site), GET only, `Cache-Control: no-store`.',
  });
}

function PageQueries(): MethodDecorator {
  return applyDecorators(
    ...PAGE_QUERIES.map(([name, description]) => ApiQuery({ name, description, required: false })),
  );
}

/**
 * The auditor's web page (issue #10, item 7) and the data it reads, GET only. Public for signatures (a
 * browser cannot sign with the certificate's key; docs/decisions.md, "The auditor web page"), but mutual
 * TLS still identifies the auditor, and `AuditPageGuard` admits only auditors' same-origin requests.
 * Every data call goes through `AuditQueries`, so every query the page makes is in the log itself.
 * Handler names are the OpenAPI operation ids, so they say "page" (the signed API has `entries` too).
 */
@ApiTags(API_TAGS.audit)
@PublicRoute()
@UseGuards(AuditPageGuard)
@Controller('audit')
export class AuditPageController {
  private readonly assets = new AuditPageAssets();

  constructor(private readonly audit: AuditQueries) {}

  @PageOperation('The auditor web page', 'The HTML of the page (docs/auditor-guide.md).')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } })
  @PageErrors()
  @OpensFromLinks()
  @Get()
  auditPage(@Res() response: Response): void {
    response.type('html').send(this.assets.page);
  }

  @PageOperation('A script or style sheet of the page', 'audit-page.js, verify.js or audit-page.css.')
  @ApiParam({ name: 'name', description: 'The file’s name.', schema: { type: 'string' } })
  @ApiProduces('text/javascript', 'text/css')
  @ApiOkResponse({ description: 'The file.' })
  @PageErrors('NOT_FOUND')
  @Get('assets/:name')
  auditPageAsset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.find(name);
    if (asset === undefined) {
      throw new HttpException({ error: 'NOT_FOUND', message: 'The auditor page has no such file.' }, 404);
    }
    response.setHeader('Content-Type', asset.contentType);
    response.send(asset.body);
  }

  @PageOperation(
    'Exchange log entries in your scope, for the page',
    'As `GET /v1/audit/entries`, always with inclusion proofs (the browser checks every entry).',
  )
  @PageQueries()
  @ApiOkResponse({ description: 'One page of entries with proofs, and their checkpoint.' })
  @PageErrors('AUDIT_FILTER_INVALID', 'CURSOR_INVALID')
  @Get('api/entries')
  auditPageEntries(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<AuditEntryPage> {
    // The signed API's query names and rules; always with proofs.
    const parsed = parseAudit(entriesQuerySchema, query, 'query');
    return this.audit.entries(
      auditorOf(client),
      filterOf(parsed),
      { cursor: parsed.cursor, limit: parsed.limit },
      true,
    );
  }

  @PageOperation('A transfer’s timeline, for the page', 'As `GET /v1/audit/transfers/{transferId}/timeline`.')
  @ApiParam({ name: 'transferId', description: 'The transfer’s id (a UUID).', schema: { type: 'string' } })
  @ApiOkResponse({ description: 'The entries, oldest first, with proofs, and their checkpoint.' })
  @PageErrors('AUDIT_TRANSFER_NOT_FOUND')
  @Get('api/transfers/:transferId/timeline')
  auditPageTimeline(
    @Client() client: AuthenticatedClient,
    @Param('transferId') transferId: string,
  ): Promise<AuditTimeline> {
    return this.audit.timeline(auditorOf(client), transferId);
  }

  @PageOperation('The latest signed checkpoint, for the page', 'Its tree size and signed note, as JSON.')
  @ApiOkResponse({ description: '`{ treeSize, signedNote }`.' })
  @PageErrors('LOG_CHECKPOINT_NOT_YET_MADE')
  @Get('api/checkpoint')
  async auditPageCheckpoint(@Client() client: AuthenticatedClient): Promise<AuditCheckpoint> {
    const checkpoint = await this.audit.checkpoint(auditorOf(client));
    if (checkpoint === null) {
      throw new AuditError(
        'LOG_CHECKPOINT_NOT_YET_MADE',
        `The exchange log has no signed checkpoint yet; ask again after ${LOG_RETRY_AFTER_SECONDS} s.`,
        LOG_RETRY_AFTER_SECONDS,
      );
    }
    return checkpoint;
  }

  @PageOperation('The whole log’s integrity, for the page', 'As `GET /v1/audit/integrity`.')
  @ApiOkResponse({ description: '`ok`, the tree size, and the first problem when there is one.' })
  @PageErrors()
  @Get('api/integrity')
  auditPageIntegrity(@Client() client: AuthenticatedClient): Promise<CheckedLogIntegrity> {
    return this.audit.integrity(auditorOf(client));
  }

  @PageOperation('The log’s public key', 'The C2SP verifier key text (`log-key.pub`); not a logged query.')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The key.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @PageErrors()
  @Get('api/log-key')
  auditPageLogKey(@Res() response: Response): void {
    response.type('text/plain').send(`${this.audit.logPublicKey()}\n`);
  }
}
