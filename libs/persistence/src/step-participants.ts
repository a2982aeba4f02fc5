import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/**
 * Work that must commit or roll back together with whatever step the current request takes: it runs
 * inside that step's transaction, after the step's own writes and before the commit. The API's
 * Idempotency-Key records its key this way, so a crash leaves both the step and its key, or neither.
 */
export type StepParticipant = (manager: EntityManager) => Promise<void>;

const participants = new AsyncLocalStorage<StepParticipant>();

/** Runs `work` (a request's handling) with `participant` joining every step transaction it opens. */
export function withStepParticipant<T>(participant: StepParticipant, work: () => T): T {
  return participants.run(participant, work);
}

/** Called by a step's transaction just before it commits; nothing to do outside such a request. */
export async function joinStepTransaction(manager: EntityManager): Promise<void> {
  await participants.getStore()?.(manager);
}
