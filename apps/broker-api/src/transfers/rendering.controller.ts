import {
  RENDERED_PAGE_CSP,
  RENDERING_FORMATS,
  RENDERING_FORMS,
  RenderingChoice,
  SHORT_HASH_LENGTH,
} from '@app/dossier-rendering';
import { AuthenticatedClient } from '@app/pki';
import { DossierRenderings, RenderingRequest, RenderingTarget, ServedFile } from '@app/transfers';
import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { answerWithLogEntries } from '../exchange-log/log-entry-header';
import { AttachmentDocs, NUMBER_PARAM, RenderingDocs, VERSION_HASH_PARAM } from '../api-docs/rendering-docs';
import { TransferIdPipe } from './transfer-id.pipe';
import { actingVendor, parse } from './transfers.controller';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits');
/** A position counted from 1; four digits is more than any dossier holds, and keeps the number small. */
const position = z.string().regex(/^[1-9][0-9]{0,3}$/, 'must be a whole number from 1 to 9999');

const renderingQuerySchema = z
  .object({
    format: z.enum(RENDERING_FORMATS),
    form: z.enum(RENDERING_FORMS).optional(),
    verzorger: position.optional(),
  })
  .strict()
  .superRefine((query, context) => {
    if ((query.form === 'for-verzorger') !== (query.verzorger !== undefined)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['verzorger'],
        message: 'give it with form=for-verzorger, and only then',
      });
    }
  });

/** An attachment is the school's file, not ours: the browser must neither run it nor guess its type. */
const ATTACHMENT_CSP = "default-src 'none'; sandbox";

const SENDER_CODES = ['VERSION_NOT_FOUND', 'DOSSIER_PURGED'] as const;
const RECEIVER_CODES = [
  'TRANSFER_NOT_FOUND',
  'ROLE_NOT_ALLOWED',
  'DOSSIER_NOT_RELEASED',
  'DOSSIER_PURGED',
] as const;
const LAYERS = { signed: true, vendorOnly: true } as const;

/**
 * The readable dossier (issue #12): the same rendering for the parents' inzage (sending side, any version
 * it staged) and the receiving school (a released version, exactly when it may fetch the dossier).
 * Which version, and whether the vendor may read it, is the use case's to decide on every call.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class RenderingController {
  constructor(private readonly renderings: DossierRenderings) {}

  @ApiOperation({
    summary: 'Read a staged version as HTML or PDF (sending side, for the inzage conversation)',
    description:
      'Any version you staged at a school that mandates you to send for it now, by its canonicalSha256, before ' +
      'or after release. Every fetch is an exchange log entry (`dossier_rendered`).',
  })
  @ApiErrorResponses(
    LAYERS,
    'REQUEST_INVALID',
    ...SENDER_CODES,
    'VERZORGER_NOT_IN_DOSSIER',
    'RENDERING_CAPACITY_EXHAUSTED',
    'DATABASE_BUSY',
  )
  @RenderingDocs('source')
  @ApiParam(VERSION_HASH_PARAM)
  @Get('dossiers/:versionHash/rendering')
  async stagedRendering(
    @Client() client: AuthenticatedClient,
    @Param('versionHash') versionHash: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return this.serve(client, senderTarget(versionHash), renderingRequest(query), response);
  }

  @ApiOperation({
    summary: 'Download one attachment of a staged version (sending side)',
    description: 'Same access as its rendering. Every fetch is an exchange log entry (`attachment_fetched`).',
  })
  @ApiErrorResponses(
    LAYERS,
    'REQUEST_INVALID',
    ...SENDER_CODES,
    'ATTACHMENT_NOT_IN_DOSSIER',
    'RENDERING_CAPACITY_EXHAUSTED',
    'DATABASE_BUSY',
  )
  @AttachmentDocs()
  @ApiParam(VERSION_HASH_PARAM)
  @ApiParam(NUMBER_PARAM)
  @Get('dossiers/:versionHash/attachments/:number')
  async stagedAttachment(
    @Client() client: AuthenticatedClient,
    @Param('versionHash') versionHash: string,
    @Param('number') number: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return this.serve(client, senderTarget(versionHash), attachmentRequest(number), response);
  }

  @ApiOperation({
    summary: 'Read the released dossier as HTML or PDF (receiving side)',
    description:
      'Exactly when `GET /v1/transfers/{id}/dossier` serves the dossier, with the same refusals. Every fetch ' +
      'is an exchange log entry (`dossier_rendered`).',
  })
  @ApiErrorResponses(
    LAYERS,
    'REQUEST_INVALID',
    ...RECEIVER_CODES,
    'VERZORGER_NOT_IN_DOSSIER',
    'RENDERING_CAPACITY_EXHAUSTED',
    'DATABASE_BUSY',
  )
  @RenderingDocs('target')
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Get('transfers/:id/dossier/rendering')
  async releasedRendering(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return this.serve(client, { side: 'target', transferId: id }, renderingRequest(query), response);
  }

  @ApiOperation({
    summary: 'Download one attachment of the released dossier (receiving side)',
    description: 'Same access as the dossier. Every fetch is an exchange log entry (`attachment_fetched`).',
  })
  @ApiErrorResponses(
    LAYERS,
    'REQUEST_INVALID',
    ...RECEIVER_CODES,
    'ATTACHMENT_NOT_IN_DOSSIER',
    'RENDERING_CAPACITY_EXHAUSTED',
    'DATABASE_BUSY',
  )
  @AttachmentDocs()
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @ApiParam(NUMBER_PARAM)
  @Get('transfers/:id/dossier/attachments/:number')
  async releasedAttachment(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Param('number') number: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return this.serve(client, { side: 'target', transferId: id }, attachmentRequest(number), response);
  }

  private async serve(
    client: AuthenticatedClient,
    target: RenderingTarget,
    request: RenderingRequest,
    response: Response,
  ): Promise<StreamableFile> {
    const served = answerWithLogEntries(
      response,
      await this.renderings.serve(actingVendor(client), target, request),
    );
    response.setHeader('Content-Type', served.mediaType);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Dossier-Version', String(served.version));
    response.setHeader('X-Dossier-Version-Hash', served.versionHash);
    response.setHeader('Content-Disposition', contentDisposition(served, request));
    if (request.kind === 'attachment') response.setHeader('Content-Security-Policy', ATTACHMENT_CSP);
    else if (request.format === 'html') response.setHeader('Content-Security-Policy', RENDERED_PAGE_CSP);
    return new StreamableFile(served.bytes);
  }
}

function senderTarget(versionHash: string): RenderingTarget {
  return { side: 'source', versionHash: parse(sha256, versionHash.toLowerCase(), 'versionHash') };
}

function renderingRequest(query: unknown): RenderingRequest {
  const parsed = parse(renderingQuerySchema, query, 'query');
  const choice: RenderingChoice =
    parsed.form === 'for-verzorger'
      ? { form: 'for-verzorger', verzorger: Number(parsed.verzorger) }
      : { form: parsed.form ?? 'complete' };
  return { kind: 'rendering', format: parsed.format, choice };
}

function attachmentRequest(number: string): RenderingRequest {
  return { kind: 'attachment', number: Number(parse(position, number, 'number')) };
}

/**
 * HTML is shown in place; a PDF is saved under a name made of the version only (never the pupil's); an
 * attachment keeps the dossier's own file name, RFC 6266 with the RFC 5987 UTF-8 form and an ASCII fallback.
 */
export function contentDisposition(served: ServedFile, request: RenderingRequest): string {
  if (request.kind === 'rendering') {
    if (request.format === 'html') return 'inline';
    return `attachment; filename="dossier-v${served.version}-${served.versionHash.slice(0, SHORT_HASH_LENGTH)}.pdf"`;
  }
  // Only the last path segment, without control characters: a file name, never a path.
  const name = [...((served.fileName ?? '').split(/[\\/]/).pop() ?? '')]
    .filter((character) => character >= ' ' && character !== '\u007f')
    .join('')
    .trim();
  const fallback = `bijlage-${request.number}`;
  if (name === '') return `attachment; filename="${fallback}"`;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** RFC 5987 `value-chars`: UTF-8, percent-encoding all but attr-char. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
