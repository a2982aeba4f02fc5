import { calendarDate, releasePolicy, type ReleasePolicyRef } from '@app/release-gate';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BoardInstructionError } from './board-instruction-error';
import { BoardInstructionRepository } from './board-instruction-repository';
import type { BoardInstructionEntity, BoardInstructionKind } from './board-instruction.entity';
import type { MetadataRetention } from './board-instructions';
import type { RetentionBounds } from './board-instructions.config';
import type { MandateSide } from './mandate.entity';
import type { RegistryEventRecorder } from './registry-events';
import { UNKNOWN_BEVOEGD_GEZAG } from './registry-rules';
import { formatSchoolCode } from './school-code';
import { SchoolEntity } from './school.entity';

const BEVOEGD_GEZAG_PATTERN = /^[0-9]{5}$/;
/** Who may choose for a board: a vendor that may send for its schools. Who may read: any of its vendors. */
const SENDING_SIDES: readonly MandateSide[] = ['source', 'both'];
const ALL_SIDES: readonly MandateSide[] = ['source', 'target', 'both'];

/** The vendor that sends an instruction for a board, and the certificate it signed the request with. */
export interface BoardActor {
  vendorId: string;
  certificateFingerprint: string;
}

export interface ReleasePolicyInstruction {
  bevoegdGezag: string;
  policy: ReleasePolicyRef;
  /** The board's decision date, 'YYYY-MM-DD'. */
  decidedOn: string;
}

export interface RetentionInstruction extends MetadataRetention {
  bevoegdGezag: string;
  decidedOn: string;
}

/** An instruction as the API shows it. */
export interface BoardInstructionView {
  id: string;
  bevoegdGezag: string;
  kind: BoardInstructionKind;
  policy?: { id: string; version: number };
  afterReleaseMonths?: number;
  specialEducationMonths?: number;
  decidedOn: string;
  recordedAt: string;
  recordedBy: string;
}

/**
 * A school board's instructions, recorded on the board's word through its LAS vendor (boards have no
 * certificates). The broker's operator cannot choose for a board: there is no command that records one.
 * A vendor acts for a board only when it may send for EVERY registered school of that board: a vendor
 * that serves one of its schools cannot choose for the others.
 */
export class BoardInstructionRecording {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: RegistryEventRecorder,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  recordReleasePolicy(actor: BoardActor, input: ReleasePolicyInstruction): Promise<BoardInstructionView> {
    requireBoardNumber(input.bevoegdGezag);
    const known = releasePolicy(input.policy);
    if (!known) {
      throw new BoardInstructionError(
        'RELEASE_POLICY_UNKNOWN',
        `policy: "${input.policy.id}" version ${input.policy.version} is not a release policy this broker knows; nothing was recorded.`,
      );
    }
    return this.record(actor, input.bevoegdGezag, input.decidedOn, {
      kind: 'release_policy',
      policyId: known.id,
      policyVersion: known.version,
      afterReleaseMonths: null,
      specialEducationMonths: null,
    });
  }

  recordMetadataRetention(
    actor: BoardActor,
    input: RetentionInstruction,
    bounds: RetentionBounds,
  ): Promise<BoardInstructionView> {
    requireBoardNumber(input.bevoegdGezag);
    for (const field of ['afterReleaseMonths', 'specialEducationMonths'] as const) {
      const months = input[field];
      if (!Number.isInteger(months) || months < bounds.minMonths || months > bounds.maxMonths) {
        throw new BoardInstructionError(
          'RETENTION_TERM_OUT_OF_RANGE',
          `${field}: must be a whole number of months from ${bounds.minMonths} to ${bounds.maxMonths}; nothing was recorded.`,
        );
      }
    }
    return this.record(actor, input.bevoegdGezag, input.decidedOn, {
      kind: 'metadata_retention',
      policyId: null,
      policyVersion: null,
      afterReleaseMonths: input.afterReleaseMonths,
      specialEducationMonths: input.specialEducationMonths,
    });
  }

  /** The board's instructions in the order recorded, for a vendor that acts for one of its schools. */
  async history(vendorId: string, bevoegdGezag: string): Promise<BoardInstructionView[]> {
    const board = requireBoardNumber(bevoegdGezag);
    const repository = new BoardInstructionRepository(this.dataSource.manager);
    const schools = await schoolsOrRefuse(repository, board);
    const mandated = await repository.mandatedSchoolIds(vendorId, schools, ALL_SIDES, this.clock());
    if (!schools.some((school) => mandated.has(school.id))) {
      throw new BoardInstructionError(
        'BOARD_NOT_MANDATED',
        `No school of board ${board} has mandated you; only its schools’ vendors read its instructions.`,
      );
    }
    return (await repository.ofBoard(board)).map(viewOf);
  }

  private async record(
    actor: BoardActor,
    bevoegdGezag: string,
    decidedOn: string,
    value: Pick<
      BoardInstructionEntity,
      'kind' | 'policyId' | 'policyVersion' | 'afterReleaseMonths' | 'specialEducationMonths'
    >,
  ): Promise<BoardInstructionView> {
    const board = requireBoardNumber(bevoegdGezag);
    const effectiveFrom = calendarDate(decidedOn);
    if (effectiveFrom === null || effectiveFrom !== decidedOn) {
      throw new BoardInstructionError(
        'BOARD_INSTRUCTION_INVALID',
        'decidedOn: must be the date of the board’s decision, a real calendar date YYYY-MM-DD; nothing was recorded.',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock();
      const repository = new BoardInstructionRepository(manager);
      // Locked: a school cannot join or leave the board between the check and the record.
      const schools = await schoolsOrRefuse(repository, board, { lock: true });
      const sending = await repository.mandatedSchoolIds(actor.vendorId, schools, SENDING_SIDES, now);
      const notMandated = schools.filter((school) => !sending.has(school.id));
      if (notMandated.length > 0) {
        throw new BoardInstructionError(
          'BOARD_NOT_MANDATED',
          `You act for board ${board} only with a sending mandate from each of its ${schools.length} registered schools; ` +
            `${notMandated.length} of them ${notMandated.length === 1 ? 'has' : 'have'} not given you one (e.g. ${formatSchoolCode(notMandated[0])}). Nothing was recorded.`,
        );
      }
      const instruction = await repository.append({
        id: randomUUID(),
        bevoegdGezag: board,
        ...value,
        effectiveFrom,
        recordedAt: now,
        recordedByVendorId: actor.vendorId,
        certificateFingerprint: actor.certificateFingerprint,
      });
      await this.recorder.record(manager, {
        type: 'board_instruction_recorded',
        at: now,
        vendorId: actor.vendorId,
        certificateFingerprint: actor.certificateFingerprint,
        instructionId: instruction.id,
        bevoegdGezag: board,
        kind: instruction.kind,
        ...(instruction.kind === 'release_policy'
          ? { policy: { id: instruction.policyId!, version: instruction.policyVersion! } }
          : {
              retention: {
                afterReleaseMonths: instruction.afterReleaseMonths!,
                specialEducationMonths: instruction.specialEducationMonths!,
              },
            }),
      });
      return viewOf(instruction);
    });
  }
}

function requireBoardNumber(bevoegdGezag: string): string {
  if (!BEVOEGD_GEZAG_PATTERN.test(bevoegdGezag) || bevoegdGezag === UNKNOWN_BEVOEGD_GEZAG) {
    throw new BoardInstructionError(
      'BOARD_INSTRUCTION_INVALID',
      `bevoegdGezag: must be the 5-digit DUO number of the school board, e.g. 41999; nothing was recorded.`,
    );
  }
  return bevoegdGezag;
}

async function schoolsOrRefuse(
  repository: BoardInstructionRepository,
  board: string,
  options: { lock?: boolean } = {},
): Promise<SchoolEntity[]> {
  const schools = await repository.schoolsOfBoard(board, options);
  if (schools.length === 0) {
    throw new BoardInstructionError(
      'BOARD_NOT_FOUND',
      `No school of board ${board} is registered at this broker; its instructions have nothing to apply to.`,
    );
  }
  return schools;
}

function viewOf(instruction: BoardInstructionEntity): BoardInstructionView {
  return {
    id: instruction.id,
    bevoegdGezag: instruction.bevoegdGezag,
    kind: instruction.kind,
    ...(instruction.kind === 'release_policy'
      ? { policy: { id: instruction.policyId!, version: instruction.policyVersion! } }
      : {
          afterReleaseMonths: instruction.afterReleaseMonths!,
          specialEducationMonths: instruction.specialEducationMonths!,
        }),
    decidedOn: instruction.effectiveFrom,
    recordedAt: instruction.recordedAt.toISOString(),
    recordedBy: instruction.recordedByVendorId,
  };
}
