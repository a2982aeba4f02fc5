import { AuthenticatedClient } from '@app/pki';
import { Controller, Get, HttpException, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditError } from '../audit/audit-error';
import {
  AuditCheckpoint,
  AuditEntryPage,
  AuditQueries,
  AuditTimeline,
  LogIntegrity,
} from '../audit/audit-queries.service';
import { entriesQuerySchema, filterOf, parseAudit } from '../audit/audit-query-parsing';
import { auditorOf } from '../audit/auditor-of';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_RETRY_AFTER_SECONDS } from '../exchange-log/log-proofs.controller';
import { PublicRoute } from '../message-signatures/public-route.decorator';
import { AuditPageAssets } from './audit-page-assets';
import { AuditPageGuard } from './audit-page.guard';

/**
 * The auditor's web page (issue #10, item 7) and the data it reads, GET only. Public for signatures (a
 * browser cannot sign with the certificate's key; docs/decisions.md, "The auditor web page"), but mutual
 * TLS still identifies the auditor, and `AuditPageGuard` admits only auditors' same-origin requests.
 * Every data call goes through `AuditQueries`, so every query the page makes is in the log itself.
 */
@ApiExcludeController()
@PublicRoute()
@UseGuards(AuditPageGuard)
@Controller('audit')
export class AuditPageController {
  private readonly assets = new AuditPageAssets();

  constructor(private readonly audit: AuditQueries) {}

  @Get()
  page(@Res() response: Response): void {
    response.type('html').send(this.assets.page);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.find(name);
    if (asset === undefined) {
      throw new HttpException({ error: 'NOT_FOUND', message: 'The auditor page has no such file.' }, 404);
    }
    response.setHeader('Content-Type', asset.contentType);
    response.send(asset.body);
  }

  @Get('api/entries')
  entries(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<AuditEntryPage> {
    // The signed API's query names and rules (`GET /v1/audit/entries`); always with proofs, since the
    // browser checks every entry it shows.
    const parsed = parseAudit(entriesQuerySchema, query, 'query');
    return this.audit.entries(
      auditorOf(client),
      filterOf(parsed),
      { cursor: parsed.cursor, limit: parsed.limit },
      true,
    );
  }

  @Get('api/transfers/:transferId/timeline')
  timeline(
    @Client() client: AuthenticatedClient,
    @Param('transferId') transferId: string,
  ): Promise<AuditTimeline> {
    return this.audit.timeline(auditorOf(client), transferId);
  }

  @Get('api/checkpoint')
  async checkpoint(@Client() client: AuthenticatedClient): Promise<AuditCheckpoint> {
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

  @Get('api/integrity')
  integrity(@Client() client: AuthenticatedClient): Promise<LogIntegrity> {
    return this.audit.integrity(auditorOf(client));
  }

  @Get('api/log-key')
  logKey(@Res() response: Response): void {
    response.type('text/plain').send(`${this.audit.logPublicKey()}\n`);
  }
}
