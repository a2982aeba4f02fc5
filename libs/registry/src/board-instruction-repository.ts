import { EntityManager, In, IsNull } from 'typeorm';
import { BoardInstructionEntity, BoardInstructionKind } from './board-instruction.entity';
import { MandateEntity, MandateSide } from './mandate.entity';
import { isMandateActive } from './registry-mandates';
import { SchoolEntity } from './school.entity';

/** The SQL of board instructions; which one holds is decided in `board-instruction-rules.ts`. */
export class BoardInstructionRepository {
  constructor(private readonly manager: EntityManager) {}

  append(instruction: BoardInstructionEntity): Promise<BoardInstructionEntity> {
    const repository = this.manager.getRepository(BoardInstructionEntity);
    return repository.save(repository.create(instruction));
  }

  /** A board's instructions of one kind (a board makes a handful of decisions in years). */
  ofBoardAndKind(bevoegdGezag: string, kind: BoardInstructionKind): Promise<BoardInstructionEntity[]> {
    return this.manager.getRepository(BoardInstructionEntity).findBy({ bevoegdGezag, kind });
  }

  /**
   * The boards with a `release_policy` decision whose day is `today` or one of the `days - 1` days before
   * it ('YYYY-MM-DD', Dutch calendar), recorded by `recordedBy`: the boards whose policy may have changed
   * by itself lately (the release worker asks the gate again for them, #11).
   */
  async boardsWithReleasePolicyTakingEffect(
    today: string,
    days: number,
    recordedBy: Date,
  ): Promise<string[]> {
    const rows = await this.manager
      .getRepository(BoardInstructionEntity)
      .createQueryBuilder('instruction')
      .select('DISTINCT instruction.bevoegd_gezag', 'board')
      .where('instruction.kind = :kind', { kind: 'release_policy' })
      .andWhere('instruction.effective_from <= CAST(:today AS date)', { today })
      .andWhere('instruction.effective_from > CAST(:today AS date) - CAST(:days AS integer)', { days })
      .andWhere('instruction.recorded_at <= :recordedBy', { recordedBy })
      .orderBy('board', 'ASC')
      .getRawMany<{ board: string }>();
    return rows.map(({ board }) => board);
  }

  /** Every instruction of a board, in the order they were recorded. */
  ofBoard(bevoegdGezag: string): Promise<BoardInstructionEntity[]> {
    return this.manager
      .getRepository(BoardInstructionEntity)
      .find({ where: { bevoegdGezag }, order: { recordedAt: 'ASC', id: 'ASC' } });
  }

  /** The registered schools of a board; `lock` holds them (FOR SHARE) until the transaction ends. */
  schoolsOfBoard(board: string, options: { lock?: boolean } = {}): Promise<SchoolEntity[]> {
    return this.manager.getRepository(SchoolEntity).find({
      where: { bevoegdGezag: board },
      order: { brin: 'ASC', vestiging: 'ASC' },
      ...(options.lock ? { lock: { mode: 'pessimistic_read' as const } } : {}),
    });
  }

  /** Which of these schools let the vendor act for them at `at` on one of `sides`. */
  async mandatedSchoolIds(
    vendorId: string,
    schools: readonly SchoolEntity[],
    sides: readonly MandateSide[],
    at: Date,
  ): Promise<Set<string>> {
    const mandates = await this.manager.getRepository(MandateEntity).findBy({
      vendorId,
      revokedAt: IsNull(),
      side: In([...sides]),
      schoolId: In(schools.map((school) => school.id)),
    });
    return new Set(
      mandates.filter((mandate) => isMandateActive(mandate, at)).map((mandate) => mandate.schoolId),
    );
  }
}
