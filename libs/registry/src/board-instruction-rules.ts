import { dutchDateOf } from '@app/release-gate';

/** What decides which of a board's instructions holds; the rows carry more. */
export interface DatedInstruction {
  id: string;
  /** The board's decision date, 'YYYY-MM-DD'. */
  effectiveFrom: string;
  recordedAt: Date;
}

/**
 * The instruction that holds at `at`, of one board and kind: of those recorded by `at` whose decision
 * date has come (on the Dutch calendar), the one with the latest decision date; of two with the same date,
 * the one recorded last. A backdated decision does not undo a later one; one dated ahead holds from its
 * day. Null: none holds, the default applies.
 */
export function effectiveInstruction<T extends DatedInstruction>(
  instructions: readonly T[],
  at: Date,
): T | null {
  const today = dutchDateOf(at);
  let best: T | null = null;
  for (const instruction of instructions) {
    if (instruction.effectiveFrom > today || instruction.recordedAt.getTime() > at.getTime()) continue;
    if (best === null || laterThan(instruction, best)) best = instruction;
  }
  return best;
}

function laterThan(a: DatedInstruction, b: DatedInstruction): boolean {
  if (a.effectiveFrom !== b.effectiveFrom) return a.effectiveFrom > b.effectiveFrom;
  if (a.recordedAt.getTime() !== b.recordedAt.getTime())
    return a.recordedAt.getTime() > b.recordedAt.getTime();
  return a.id > b.id;
}
