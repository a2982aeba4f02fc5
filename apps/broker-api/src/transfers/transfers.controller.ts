import { AuthenticatedClient } from '@app/pki';
import {
  ActingVendor,
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
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { LOG_ENTRY_HEADER_DOC, answerWithLogEntries } from '../exchange-log/log-entry-header';
import { RequestWithRawBody, dossierBytes } from '../request-bodies/request-bodies';
import { IDEMPOTENCY_ERRORS, Idempotent } from '../idempotency';
import { TransferIdPipe } from './transfer-id.pipe';

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
export function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || what;
  throw new TransferError('REQUEST_INVALID', 'invalid', `${what}: ${field}: ${valueFreeMessage(issue)}.`);
}

/** Zod's own text for a wrong enum value repeats the value ("received 'x'"); ours names the choices. */
function valueFreeMessage(issue: z.ZodIssue): string {
  if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    return `must be one of ${issue.options.map(String).join(', ')}`;
  }
  return issue.message;
}

export function vendorOf(client: AuthenticatedClient): string {
  if (client.kind !== 'vendor') {
    throw new TransferError(
      'VENDOR_ONLY',
      'forbidden',
      'Only LAS vendors take part in transfers; auditors read the log.',
    );
  }
  return client.vendorId;
}

/** The calling vendor and the certificate it authenticated with: each log entry of its step names both. */
export function actingVendor(client: AuthenticatedClient): ActingVendor {
  return { id: vendorOf(client), certificateFingerprint: client.certificate.fingerprintSha256 };
}

/**
 * The vendor API of the exchange. Identity comes from the client certificate (checked before routing);
 * which schools a vendor may act for, on which side, is checked by the transfer service on every call.
 */
@ApiTags(API_TAGS.transfers)
@Controller('v1')
export class TransfersController {
  constructor(private readonly transfers: TransferService) {}

  /** The receiving school's vendor asks for a pupil's dossier. */
  @ApiOperation({
    summary: 'Request a pupil’s dossier (receiving side)',
    description:
      'Needs a mandate for `targetSchool` on the receiving side. A dossier staged ahead for this pupil at ' +
      '`sourceSchool` is matched at once, but only the sender can name your school for it: until it approves ' +
      'the match you see `requested` without a version.',
  })
  @ApiBody({
    schema: docs.ref('TransferRequest'),
    examples: { request: { summary: 'A pupil moving from PO to VO', value: docs.EXAMPLE_TRANSFER_REQUEST } },
  })
  @ApiCreatedResponse({
    description: 'The new transfer.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('TransferView', { requested: docs.EXAMPLE_NEW_TRANSFER }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'REQUEST_INVALID',
    'PUPIL_KEY_INVALID',
    'SCHOOL_CODE_INVALID',
    'SAME_SCHOOL',
    'SCHOOL_NOT_MANDATED',
    'TRANSFER_ALREADY_OPEN',
    'UNKNOWN_SCHOOL',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @Idempotent()
  @Post('transfers')
  async request(
    @Client() client: AuthenticatedClient,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    const recorded = await this.transfers.request(
      actingVendor(client),
      parse(transferRequestSchema, body, 'body'),
    );
    return answerWithLogEntries(response, recorded);
  }

  /** Either side's transfers, newest first; `role=source&state=requested` is the sender's inbox. */
  @ApiOperation({
    summary: 'List your transfers on one side, newest first',
    description:
      '`role=source&state=requested` is the sending side’s inbox. The pupil is not in the list (the broker ' +
      'keeps no pupil identity); use `POST /v1/transfers/lookup` to find a pupil’s requests.',
  })
  @ApiQuery({ name: 'role', required: true, enum: ['source', 'target'], description: 'Which side’s list.' })
  @ApiQuery({ name: 'state', required: false, schema: docs.ref('TransferState') })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string', maxLength: 200 },
    description: 'The `nextCursor` of the previous page.',
  })
  @ApiOkResponse({
    description: 'One page.',
    content: docs.jsonOf('TransferPage', { inbox: docs.EXAMPLE_INBOX }),
  })
  @ApiErrorResponses({ signed: true, vendorOnly: true }, 'REQUEST_INVALID', 'CURSOR_INVALID', 'DATABASE_BUSY')
  @Get('transfers')
  list(@Client() client: AuthenticatedClient, @Query() query: unknown): Promise<TransferPage> {
    return this.transfers.list(vendorOf(client), parse(listQuerySchema, query, 'query'));
  }

  /** The sender asks which open requests concern one of its pupils (the broker keeps no pupil identity). */
  @ApiOperation({
    summary: 'Find the open requests for one of your pupils (sending side)',
    description: 'Needs a mandate for `sourceSchool` on the sending side. An empty list when there are none.',
  })
  @ApiBody({
    schema: docs.ref('TransferLookup'),
    examples: { lookup: { summary: 'By onderwijsnummer', value: docs.EXAMPLE_LOOKUP_REQUEST } },
  })
  @ApiOkResponse({
    description: 'The open requests.',
    content: docs.jsonOf('TransferList', { found: docs.EXAMPLE_LOOKUP }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    'REQUEST_INVALID',
    'PUPIL_KEY_INVALID',
    'SCHOOL_CODE_INVALID',
    'SCHOOL_NOT_MANDATED',
    'UNKNOWN_SCHOOL',
    'DATABASE_BUSY',
  )
  @Post('transfers/lookup')
  @HttpCode(200)
  async lookup(
    @Client() client: AuthenticatedClient,
    @Body() body: unknown,
  ): Promise<{ items: TransferView[] }> {
    return { items: await this.transfers.lookup(vendorOf(client), parse(lookupSchema, body, 'body')) };
  }

  @ApiOperation({
    summary: 'A transfer: state, schools, current version, history',
    description:
      'For either side. Anyone else gets `404 TRANSFER_NOT_FOUND`, whether the transfer exists or not.',
  })
  @ApiOkResponse({
    description: 'The transfer.',
    content: docs.jsonOf('TransferView', { staged: docs.EXAMPLE_TRANSFER }),
  })
  @ApiErrorResponses({ signed: true, vendorOnly: true }, 'TRANSFER_NOT_FOUND', 'DATABASE_BUSY')
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Get('transfers/:id')
  view(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
  ): Promise<TransferView> {
    return this.transfers.view(vendorOf(client), id);
  }

  /** The sending school's vendor stages (klaarzetten) the dossier for a request. */
  @ApiOperation({
    summary: 'Stage (klaarzetten) the dossier for a request (sending side)',
    description:
      'The OSO 2019.1 XML as the body, byte for byte. Validated with the strict rules; its school must be ' +
      'the transfer’s sending school, its pupil the requested one, its profile fit both schools. Each upload ' +
      'is a new frozen version for this transfer; the other open requests for this pupil at this school move ' +
      'to it too, but wait in `awaiting_approval` until you approve each match.',
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string' }, examples: { dossier: { value: docs.EXAMPLE_DOSSIER_XML } } })
  @ApiCreatedResponse({
    description: 'The staged version.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('StagingResult', { staged: docs.EXAMPLE_STAGING }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'xml', vendorOnly: true },
    'DOSSIER_CONTENT_TYPE',
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'TRANSFER_STATE_CONFLICT',
    'DOSSIER_INVALID',
    'SCHOOL_CODE_INVALID',
    'UNKNOWN_SCHOOL',
    'SCHOOL_NOT_MANDATED',
    'DOSSIER_PUPIL_KEY_MISSING',
    'PROFILE_MISMATCH',
    'DOSSIER_SCHOOL_MISMATCH',
    'DOSSIER_PUPIL_MISMATCH',
    'DOSSIER_TOO_COMPLEX',
    'VALIDATION_CAPACITY_EXHAUSTED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Put('transfers/:id/dossier')
  @HttpCode(201)
  async stageForTransfer(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Req() request: RequestWithRawBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StagingResult> {
    const vendor = actingVendor(client);
    return answerWithLogEntries(response, await this.transfers.stage(vendor, dossierBytes(request), id));
  }

  /** The sending school's vendor stages a dossier before any request; it is matched when one arrives. */
  @ApiOperation({
    summary: 'Stage a dossier ahead of any request (sending side)',
    description:
      'Like staging for a request, for the school named in the dossier (your mandate to send for it is ' +
      'checked). Open requests for this pupil, and later ones, are matched with it and wait in ' +
      '`awaiting_approval` until you approve each match (`POST /v1/transfers/{id}/match-approval`).',
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string' }, examples: { dossier: { value: docs.EXAMPLE_DOSSIER_XML } } })
  @ApiCreatedResponse({
    description: 'The staged version.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('StagingResult', { ahead: docs.EXAMPLE_STAGED_AHEAD }),
  })
  @ApiErrorResponses(
    { signed: true, body: 'xml', vendorOnly: true },
    'DOSSIER_CONTENT_TYPE',
    'DOSSIER_INVALID',
    'SCHOOL_CODE_INVALID',
    'UNKNOWN_SCHOOL',
    'SCHOOL_NOT_MANDATED',
    'DOSSIER_PUPIL_KEY_MISSING',
    'PROFILE_MISMATCH',
    'DOSSIER_TOO_COMPLEX',
    'VALIDATION_CAPACITY_EXHAUSTED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @Idempotent()
  @Post('dossiers')
  @HttpCode(201)
  async stageAhead(
    @Client() client: AuthenticatedClient,
    @Req() request: RequestWithRawBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StagingResult> {
    const vendor = actingVendor(client);
    return answerWithLogEntries(response, await this.transfers.stage(vendor, dossierBytes(request)));
  }

  /** The released dossier, exactly the bytes that were staged, for the receiving school's vendor. */
  @ApiOperation({
    summary: 'Fetch the released dossier (receiving side)',
    description:
      'Exactly the bytes that were staged, once the transfer is `released` (also after receipt). Compare ' +
      'with `X-Dossier-Sha256`, then acknowledge with `POST /v1/transfers/{id}/receipt`.',
  })
  @ApiProduces('application/xml')
  @ApiOkResponse({
    description: 'The dossier.',
    headers: {
      'X-Dossier-Version': { description: 'The released version’s number.', schema: { type: 'integer' } },
      'X-Dossier-Sha256': { description: 'SHA-256 (hex) of the body.', schema: { type: 'string' } },
      'Cache-Control': { description: '`no-store`.', schema: { type: 'string' } },
      ...LOG_ENTRY_HEADER_DOC,
    },
    content: { 'application/xml': { schema: { type: 'string' }, example: docs.EXAMPLE_DOSSIER_XML } },
  })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'DOSSIER_NOT_RELEASED',
    'DOSSIER_PURGED',
    'DATABASE_BUSY',
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Get('transfers/:id/dossier')
  @Header('Cache-Control', 'no-store')
  async fetch(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const recorded = await this.transfers.fetchDossier(actingVendor(client), id);
    const { bytes, version } = answerWithLogEntries(response, recorded);
    response.setHeader('Content-Type', 'application/xml');
    response.setHeader('X-Dossier-Version', String(version.version));
    response.setHeader('X-Dossier-Sha256', version.contentSha256);
    return new StreamableFile(bytes);
  }

  @ApiOperation({
    summary: 'Acknowledge receipt of the fetched dossier (receiving side)',
    description: 'Moves `released` to `received`; repeating it changes nothing.',
  })
  @ApiOkResponse({
    description: 'The transfer.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('TransferView', { received: { ...docs.EXAMPLE_TRANSFER, state: 'received' } }),
  })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'TRANSFER_STATE_CONFLICT',
    'TRANSFER_ACTOR_NOT_ALLOWED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/receipt')
  @HttpCode(200)
  async receipt(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    return answerWithLogEntries(response, await this.transfers.acknowledgeReceipt(actingVendor(client), id));
  }

  @ApiOperation({
    summary: 'Withdraw the request (receiving side)',
    description: 'Until the dossier is released; repeating it changes nothing.',
  })
  @ApiOkResponse({
    description: 'The transfer.',
    headers: LOG_ENTRY_HEADER_DOC,
    content: docs.jsonOf('TransferView', { withdrawn: { ...docs.EXAMPLE_TRANSFER, state: 'withdrawn' } }),
  })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'TRANSFER_NOT_FOUND',
    'ROLE_NOT_ALLOWED',
    'TRANSFER_STATE_CONFLICT',
    'TRANSFER_ACTOR_NOT_ALLOWED',
    'TRANSFER_LINE_BUSY',
    'DATABASE_BUSY',
    ...IDEMPOTENCY_ERRORS,
  )
  @ApiParam(docs.TRANSFER_ID_PARAM)
  @Idempotent()
  @Post('transfers/:id/withdrawal')
  @HttpCode(200)
  async withdraw(
    @Client() client: AuthenticatedClient,
    @Param('id', TransferIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransferView> {
    return answerWithLogEntries(response, await this.transfers.withdraw(actingVendor(client), id));
  }
}
