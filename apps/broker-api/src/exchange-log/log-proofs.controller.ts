import {
  EntryInclusion,
  ExchangeLogEntry,
  ExchangeLogReadError,
  StoredCheckpoint,
  canonicalEntryBytes,
  inclusionProofForEntry,
  latestCheckpoint,
  readExchangeLogEntry,
} from '@app/exchange-log';
import { AuthenticatedClient } from '@app/pki';
import { RegistryService, formatSchoolCode } from '@app/registry';
import { TransferError } from '@app/transfers';
import { Controller, Get, Header, HttpException, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';

/** The sequencer checkpoints at least every second while entries arrive: that is when to ask again. */
export const LOG_RETRY_AFTER_SECONDS = 1;

/** Entry ids are positive bigints; anything else names no entry (and never reaches the database). */
const ENTRY_ID = /^[1-9][0-9]{0,17}$/;

export interface LogEntryProof {
  entryId: string;
  /** The entry's canonical JSON: exactly the bytes its RFC 9162 leaf hash covers. */
  leaf: string;
  leafIndex: number;
  treeSize: number;
  /** The inclusion proof against `checkpoint`, bottom-up, each hash base64. */
  inclusionProof: string[];
  /** The signed checkpoint of `treeSize` entries the proof leads to. */
  checkpoint: string;
}

/**
 * What lets a vendor hold the broker to account (issue #10, item 5): the latest signed checkpoint, and the
 * inclusion proof of an entry about one of its schools. An entry about no school of the vendor is "not
 * found", as an entry that does not exist: a 403 would confirm that it does.
 */
@ApiTags(API_TAGS.exchangeLog)
@Controller('v1/log')
export class LogProofsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
  ) {}

  @ApiOperation({
    summary: 'The latest signed checkpoint of the exchange log',
    description:
      'A C2SP tlog-checkpoint, signed as a C2SP signed note with the broker’s Ed25519 log key; verify it ' +
      'with the log’s public key (`log-key.pub`, from the broker operator).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The signed note: origin, tree size, root hash (base64), blank line, signature line.',
    content: { 'text/plain': { schema: { type: 'string' }, example: docs.EXAMPLE_CHECKPOINT } },
  })
  @ApiErrorResponses({ signed: true }, 'LOG_CHECKPOINT_NOT_YET_MADE')
  @Get('checkpoint')
  @Header('Cache-Control', 'no-store')
  async checkpoint(@Res({ passthrough: true }) response: Response): Promise<string> {
    const checkpoint = await latestCheckpoint(this.dataSource.manager);
    if (checkpoint === null) throw noCheckpointYet(response);
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    return checkpoint.signedNote;
  }

  @ApiOperation({
    summary: 'The inclusion proof of an exchange log entry about one of your schools',
    description:
      'The entry’s leaf (canonical JSON), its index, and the RFC 9162 inclusion proof against the signed ' +
      'checkpoint that comes with it. Check the checkpoint’s signature, then the proof with ' +
      'SHA-256(0x00 ‖ leaf bytes) as the leaf hash. Entries about schools you hold no mandate for are not found.',
  })
  @ApiParam({
    name: 'entryId',
    description: 'The entry’s id (a positive integer).',
    schema: { type: 'string' },
  })
  @ApiOkResponse({
    description: 'The entry and its proof.',
    content: docs.jsonOf('LogEntryProof', { proof: docs.EXAMPLE_LOG_ENTRY_PROOF }),
  })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'LOG_ENTRY_NOT_FOUND',
    'LOG_ENTRY_NOT_YET_INTEGRATED',
  )
  @Get('entries/:entryId/proof')
  @Header('Cache-Control', 'no-store')
  async proof(
    @Client() client: AuthenticatedClient,
    @Param('entryId') entryId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LogEntryProof> {
    if (client.kind !== 'vendor') {
      throw new TransferError(
        'VENDOR_ONLY',
        'forbidden',
        'Only LAS vendors fetch proofs of their schools’ entries here; auditors get the auditor API.',
      );
    }
    const manager = this.dataSource.manager;
    const entry = ENTRY_ID.test(entryId) ? await readExchangeLogEntry(manager, entryId) : null;
    if (entry === null || !(await this.concernsSchoolOf(client.vendorId, entry))) throw entryNotFound();
    const checkpoint = await latestCheckpoint(manager);
    if (checkpoint === null) throw notYetIntegrated(entryId, response);
    let inclusion: EntryInclusion;
    try {
      inclusion = await inclusionProofForEntry(manager, entryId, checkpoint.treeSize);
    } catch (error) {
      if (error instanceof ExchangeLogReadError && error.code === 'LOG_ENTRY_NOT_YET_INTEGRATED') {
        throw notYetIntegrated(entryId, response);
      }
      throw error;
    }
    return proofAnswer(entry, inclusion, checkpoint);
  }

  /**
   * The vendor's schools now (its active mandates, either side) among the schools the entry names. A
   * match the sender has not approved (or refused) is the sender's alone: the receiving school learns
   * nothing of it (issue #11, item 1), so those entries are not found for a vendor of the target only.
   */
  private async concernsSchoolOf(vendorId: string, entry: ExchangeLogEntry): Promise<boolean> {
    const mandated = new Set((await this.registry.mandatedSchools(vendorId)).map(formatSchoolCode));
    const named = Object.values(entry.schools).filter((code) => code !== undefined);
    if (isUnapprovedMatch(entry)) {
      return entry.schools.source !== undefined && mandated.has(entry.schools.source);
    }
    return named.some((code) => mandated.has(code));
  }
}

/** A step of a match awaiting the sender's approval, or its refusal: see `concernsSchoolOf`. */
function isUnapprovedMatch(entry: ExchangeLogEntry): boolean {
  return (
    entry.type === 'state_changed' &&
    (entry.details.event === 'await_approval' || entry.details.event === 'refuse_match')
  );
}

function proofAnswer(
  entry: ExchangeLogEntry,
  inclusion: EntryInclusion,
  checkpoint: StoredCheckpoint,
): LogEntryProof {
  return {
    entryId: entry.id,
    leaf: Buffer.from(canonicalEntryBytes(entry)).toString('utf8'),
    leafIndex: inclusion.leafIndex,
    treeSize: inclusion.treeSize,
    inclusionProof: inclusion.proof.map((hash) => hash.toString('base64')),
    checkpoint: checkpoint.signedNote,
  };
}

function entryNotFound(): HttpException {
  return new HttpException(
    {
      error: 'LOG_ENTRY_NOT_FOUND',
      message: 'No exchange log entry with this id about a school that mandates you.',
    },
    404,
  );
}

function notYetIntegrated(entryId: string, response: Response): HttpException {
  response.setHeader('Retry-After', String(LOG_RETRY_AFTER_SECONDS));
  return new HttpException(
    {
      error: 'LOG_ENTRY_NOT_YET_INTEGRATED',
      message: `Entry ${entryId} is not yet in a signed checkpoint; ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
    },
    409,
  );
}

function noCheckpointYet(response: Response): HttpException {
  response.setHeader('Retry-After', String(LOG_RETRY_AFTER_SECONDS));
  return new HttpException(
    {
      error: 'LOG_CHECKPOINT_NOT_YET_MADE',
      message: `The exchange log has no signed checkpoint yet (it makes one once entries arrive); ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
    },
    503,
  );
}
