import { EntityManager } from 'typeorm';
import { BoardInstructionEntity, BoardInstructionKind } from './board-instruction.entity';

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

  /** Every instruction of a board, in the order they were recorded. */
  ofBoard(bevoegdGezag: string): Promise<BoardInstructionEntity[]> {
    return this.manager
      .getRepository(BoardInstructionEntity)
      .find({ where: { bevoegdGezag }, order: { recordedAt: 'ASC', id: 'ASC' } });
  }
}
