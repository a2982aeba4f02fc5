import { AuthenticatedClient } from '@app/pki';
import { BoardInstructionRecording, BoardInstructionView, type RetentionBounds } from '@app/registry';
import { RELEASE_POLICIES, type ReleasePolicyId } from '@app/release-gate';
import { TransferService } from '@app/transfers';
import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import type { BrokerApiConfig } from '../broker-api.config';
import { BROKER_API_CONFIG } from '../broker-api.tokens';
import { Client } from '../client-authentication/authenticated-client.decorator';
import { actingVendor, vendorOf } from '../transfers/transfers.controller';
import { parseReleasePolicyBody, parseRetentionBody } from './board-instruction-body';

const BOARD_PARAM = {
  name: 'bevoegdGezag',
  description: 'The school board’s DUO number (bevoegd gezag, 5 digits), as registered for its schools.',
  schema: { type: 'string', pattern: '^[0-9]{5}$' },
} as const;

const KNOWN_POLICIES = RELEASE_POLICIES.map((policy) => `\`${policy.id}\` version ${policy.version}`).join(
  ', ',
);

const RECORDING_REFUSALS = [
  'BOARD_INSTRUCTION_INVALID',
  'BOARD_NOT_MANDATED',
  'BOARD_NOT_FOUND',
  'DATABASE_BUSY',
] as const;

/**
 * A school board's instructions to the broker (issue #11): its release policy and its retention term. A
 * board has no certificate; its LAS vendor records the board's decision, and only a vendor with a sending
 * mandate from every registered school of the board may. The operator has no way to choose for a board.
 */
@ApiTags(API_TAGS.boards)
@Controller('v1/boards')
export class BoardInstructionsController {
  private readonly retentionBounds: RetentionBounds;
  private readonly logger = new Logger('BoardInstructions');

  constructor(
    private readonly recording: BoardInstructionRecording,
    private readonly transfers: TransferService,
    @Inject(BROKER_API_CONFIG) config: BrokerApiConfig,
  ) {
    this.retentionBounds = config.boardRetention;
  }

  @ApiOperation({
    summary: 'Record the board’s release policy (a vendor acting for the whole board)',
    description:
      `The policy the board chose for all its schools, from \`decidedOn\` (the board’s decision date). Known ` +
      `policies: ${KNOWN_POLICIES}. Append-only: a later decision is a new instruction; the one ` +
      'with the latest decision date that has come holds. The release gate names it in every decision.',
  })
  @ApiOkResponse({ description: 'The recorded instruction.' })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    ...RECORDING_REFUSALS,
    'RELEASE_POLICY_UNKNOWN',
  )
  @ApiParam(BOARD_PARAM)
  @Put(':bevoegdGezag/release-policy')
  @HttpCode(200)
  async recordReleasePolicy(
    @Client() client: AuthenticatedClient,
    @Param('bevoegdGezag') bevoegdGezag: string,
    @Body() body: unknown,
  ): Promise<BoardInstructionView & { transfersMoved: number | null }> {
    const actor = actingVendor(client);
    const input = parseReleasePolicyBody(body);
    const instruction = await this.recording.recordReleasePolicy(
      { vendorId: actor.id, certificateFingerprint: actor.certificateFingerprint },
      {
        bevoegdGezag,
        // An unknown id is refused by the registry (RELEASE_POLICY_UNKNOWN), against the gate's list.
        policy: { id: input.policy as ReleasePolicyId, version: input.version },
        decidedOn: input.decidedOn,
      },
    );
    return { ...instruction, transfersMoved: await this.regate(instruction.bevoegdGezag) };
  }

  /**
   * The gate asked again for the board's waiting transfers, after the instruction committed. Recorded is
   * recorded: if this fails (a busy database), the answer says so with `null`, and each transfer's next
   * decision (new evidence, a new version, the worker) still uses the board's policy.
   */
  private async regate(bevoegdGezag: string): Promise<number | null> {
    try {
      return await this.transfers.regateBoard(bevoegdGezag);
    } catch (error) {
      this.logger.warn(`Re-gating the transfers of a board failed (${(error as Error).name})`);
      return null;
    }
  }

  @ApiOperation({
    summary: 'Record how long the board keeps metadata and evidence (a vendor acting for the whole board)',
    description:
      'Months after release, and months when the pupil is referred to special education (defaults 24 and 36). ' +
      'Each within the broker’s bounds (BOARD_RETENTION_MIN_MONTHS … BOARD_RETENTION_MAX_MONTHS).',
  })
  @ApiOkResponse({ description: 'The recorded instruction.' })
  @ApiErrorResponses(
    { signed: true, body: 'json', vendorOnly: true },
    ...RECORDING_REFUSALS,
    'RETENTION_TERM_OUT_OF_RANGE',
  )
  @ApiParam(BOARD_PARAM)
  @Put(':bevoegdGezag/metadata-retention')
  @HttpCode(200)
  recordMetadataRetention(
    @Client() client: AuthenticatedClient,
    @Param('bevoegdGezag') bevoegdGezag: string,
    @Body() body: unknown,
  ): Promise<BoardInstructionView> {
    const actor = actingVendor(client);
    const input = parseRetentionBody(body);
    return this.recording.recordMetadataRetention(
      { vendorId: actor.id, certificateFingerprint: actor.certificateFingerprint },
      { bevoegdGezag, ...input },
      this.retentionBounds,
    );
  }

  @ApiOperation({
    summary: 'The board’s instructions, oldest first (a vendor of any of its schools)',
    description: 'Every release policy and retention term recorded for the board, with decision dates.',
  })
  @ApiOkResponse({ description: 'The history of the board’s instructions.' })
  @ApiErrorResponses(
    { signed: true, vendorOnly: true },
    'BOARD_INSTRUCTION_INVALID',
    'BOARD_NOT_MANDATED',
    'BOARD_NOT_FOUND',
  )
  @ApiParam(BOARD_PARAM)
  @Get(':bevoegdGezag/instructions')
  async boardInstructionHistory(
    @Client() client: AuthenticatedClient,
    @Param('bevoegdGezag') bevoegdGezag: string,
  ): Promise<{ instructions: BoardInstructionView[] }> {
    return { instructions: await this.recording.history(vendorOf(client), bevoegdGezag) };
  }
}
