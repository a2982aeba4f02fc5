import { DEFAULT_RELEASE_POLICY, type ReleasePolicyRef, dutchDateOf } from '@app/release-gate';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BoardInstructionRepository } from './board-instruction-repository';
import type { BoardInstructionKind } from './board-instruction.entity';
import { effectiveInstruction } from './board-instruction-rules';
import { RegistryError } from './registry-error';
import { UNKNOWN_BEVOEGD_GEZAG } from './registry-rules';
import { SchoolEntity } from './school.entity';

export interface MetadataRetention {
  afterReleaseMonths: number;
  specialEducationMonths: number;
}

/**
 * The term a board that set none gets (issue #11, item 7): metadata and evidence are kept 2 years after
 * release, 3 years when the pupil is referred to special education.
 */
export const DEFAULT_METADATA_RETENTION: Readonly<MetadataRetention> = {
  afterReleaseMonths: 24,
  specialEducationMonths: 36,
};

/** What the broker does for a school on its board's instruction (issue #11, items 3 and 7). */
export interface BoardInstructions {
  /** The release policy in effect for a school's board at `at` (default consent-for-vo v1). */
  releasePolicyFor(schoolId: string, at: Date, manager?: EntityManager): Promise<ReleasePolicyRef>;
  /** The board's metadata retention term in effect at `at` (defaults 24 / 36 months). */
  metadataRetentionFor(schoolId: string, at: Date, manager?: EntityManager): Promise<MetadataRetention>;
}

/** Inject with `@Inject(BOARD_INSTRUCTIONS) boards: BoardInstructions` (provided by RegistryModule). */
export const BOARD_INSTRUCTIONS = Symbol('BOARD_INSTRUCTIONS');

/**
 * Board instructions read from the registry. `manager` reads on a caller's transaction (the gate decides
 * inside one). Usable without Nest too: `new RegistryBoardInstructions(dataSource)`.
 */
@Injectable()
export class RegistryBoardInstructions implements BoardInstructions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async releasePolicyFor(
    schoolId: string,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ReleasePolicyRef> {
    const instruction = await this.effective(manager, schoolId, 'release_policy', at);
    if (!instruction) return { ...DEFAULT_RELEASE_POLICY };
    // Only known policies are recorded (see BoardInstructionRecording), and a policy is never removed.
    return { id: instruction.policyId as ReleasePolicyRef['id'], version: instruction.policyVersion! };
  }

  async metadataRetentionFor(
    schoolId: string,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<MetadataRetention> {
    const instruction = await this.effective(manager, schoolId, 'metadata_retention', at);
    if (!instruction) return { ...DEFAULT_METADATA_RETENTION };
    return {
      afterReleaseMonths: instruction.afterReleaseMonths!,
      specialEducationMonths: instruction.specialEducationMonths!,
    };
  }

  /**
   * The boards whose release policy decision has its day in the `days` Dutch calendar days up to the one
   * of `now` (today included), recorded by `now`: a decision dated ahead takes effect on its day without
   * anything recorded then, so the release worker asks the gate again for these boards (#11).
   */
  boardsWithReleasePolicyTakingEffect(now: Date, days: number): Promise<string[]> {
    return new BoardInstructionRepository(this.dataSource.manager).boardsWithReleasePolicyTakingEffect(
      dutchDateOf(now),
      days,
      now,
    );
  }

  private async effective(manager: EntityManager, schoolId: string, kind: BoardInstructionKind, at: Date) {
    const school = await manager.getRepository(SchoolEntity).findOneBy({ id: schoolId });
    if (!school) throw new RegistryError('UNKNOWN_SCHOOL', `no school with id ${schoolId} is registered`);
    // A school whose board is not known yet has no board to instruct for it: the defaults hold.
    if (school.bevoegdGezag === UNKNOWN_BEVOEGD_GEZAG) return null;
    const instructions = await new BoardInstructionRepository(manager).ofBoardAndKind(
      school.bevoegdGezag,
      kind,
    );
    return effectiveInstruction(instructions, at);
  }
}
