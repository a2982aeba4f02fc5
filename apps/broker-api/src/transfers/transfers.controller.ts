import { AuthenticatedClient } from '@app/pki';
import {
  StagingResult,
  TRANSFER_REASONS,
  TRANSFER_STATES,
  TransferError,
  TransferPage,
  TransferService,
  TransferView,
} from '@app/transfers';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { RequestWithRawBody } from '../request-bodies/request-bodies';

const pupilKeySchema = z
  .object({
    bsn: z.string().optional(),
    onderwijsnummer: z.string().optional(),
    geboortedatum: z.string(),
  })
  .strict();

const transferRequestSchema = z
  .object({
    targetSchool: z.string(),
    sourceSchool: z.string(),
    pupil: pupilKeySchema,
    reason: z.enum(TRANSFER_REASONS).nullable().optional(),
  })
  .strict();

const lookupSchema = z.object({ sourceSchool: z.string(), pupil: pupilKeySchema }).strict();

const listQuerySchema = z
  .object({
    role: z.enum(['source', 'target']),
    state: z.enum(TRANSFER_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** Parses a body or query against its schema; a mismatch is a 400 naming the field, never echoing values. */
function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || what;
  throw new TransferError('REQUEST_INVALID', 'invalid', `${what}: ${field}: ${issue.message}.`);
}

/** A dossier upload is the raw XML, byte for byte; anything else is refused before validation. */
function dossierBytes(request: RequestWithRawBody): Buffer {
  if (!Buffer.isBuffer(request.body)) {
    throw new TransferError(
      'DOSSIER_CONTENT_TYPE',
      'invalid',
      'Send the dossier as the request body with Content-Type: application/xml.',
    );
  }
  return request.body;
}

function vendorOf(client: AuthenticatedClient): string {
  if (client.kind !== 'vendor') {
    throw new TransferError(
      'VENDOR_ONLY',
      'forbidden',
      'Only LAS vendors take part in transfers; auditors read the log.',
    );
  }
  return client.vendorId;
}

/**
 * The vendor API of the exchange. Identity comes from the client certificate (checked before routing);
 * which schools a vendor may act for, on which side, is checked by the transfer service on every call.
 */
@Controller('v1')
export class TransfersController {
  constructor(private readonly transfers: TransferService) {}

  /** The receiving school's vendor asks for a pupil's dossier. */
  @Post('transfers')
  request(@Client() client: AuthenticatedClient, @Body() body: unknown): Promise<TransferView> {
    return this.transfers.request(vendorOf(client), parse(transferRequestSchema, body, 'body'));
  }

  /** Either side's transfers, newest first; `role=source&state=requested` is the sender's inbox. */
  @Get('transfers')
  list(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<TransferPage> {
    return this.transfers.list(vendorOf(client), parse(listQuerySchema, query, 'query'));
  }

  /** The sender asks which open requests concern one of its pupils (the broker keeps no pupil identity). */
  @Post('transfers/lookup')
  @HttpCode(200)
  async lookup(
    @Client() client: AuthenticatedClient,
    @Body() body: unknown,
  ): Promise<{ items: TransferView[] }> {
    return { items: await this.transfers.lookup(vendorOf(client), parse(lookupSchema, body, 'body')) };
  }

  @Get('transfers/:id')
  view(@Client() client: AuthenticatedClient, @Param('id') id: string): Promise<TransferView> {
    return this.transfers.view(vendorOf(client), id);
  }

  /** The sending school's vendor stages (klaarzetten) the dossier for a request. */
  @Put('transfers/:id/dossier')
  @HttpCode(201)
  stageForTransfer(
    @Client() client: AuthenticatedClient,
    @Param('id') id: string,
    @Req() request: RequestWithRawBody,
  ): Promise<StagingResult> {
    return this.transfers.stage(vendorOf(client), dossierBytes(request), id);
  }

  /** The sending school's vendor stages a dossier before any request; it is matched when one arrives. */
  @Post('dossiers')
  @HttpCode(201)
  stageAhead(
    @Client() client: AuthenticatedClient,
    @Req() request: RequestWithRawBody,
  ): Promise<StagingResult> {
    return this.transfers.stage(vendorOf(client), dossierBytes(request));
  }

  /** The released dossier, exactly the bytes that were staged, for the receiving school's vendor. */
  @Get('transfers/:id/dossier')
  @Header('Cache-Control', 'no-store')
  async fetch(
    @Client() client: AuthenticatedClient,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { bytes, version } = await this.transfers.fetchDossier(vendorOf(client), id);
    response.setHeader('Content-Type', 'application/xml');
    response.setHeader('X-Dossier-Version', String(version.version));
    response.setHeader('X-Dossier-Sha256', version.contentSha256);
    return new StreamableFile(bytes);
  }

  @Post('transfers/:id/receipt')
  @HttpCode(200)
  receipt(@Client() client: AuthenticatedClient, @Param('id') id: string): Promise<TransferView> {
    return this.transfers.acknowledgeReceipt(vendorOf(client), id);
  }

  @Post('transfers/:id/withdrawal')
  @HttpCode(200)
  withdraw(@Client() client: AuthenticatedClient, @Param('id') id: string): Promise<TransferView> {
    return this.transfers.withdraw(vendorOf(client), id);
  }
}
