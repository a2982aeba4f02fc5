import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { EntityManager } from 'typeorm';
import { NoCheckpointYetError, verifyLogExport, writeLogExport } from '../export';
import type { LogIntegrity } from './audit-views';

/**
 * The whole tree checked against the latest signed checkpoint, exactly as an auditor's offline verifier
 * checks an export (`verifyLogExport`): the export is streamed from the database into the verifier, so
 * memory stays bounded and there is one definition of "the log verifies". Names the first bad leaf.
 */
export async function checkLogIntegrity(manager: EntityManager, verifierKey: string): Promise<LogIntegrity> {
  const stream = new PassThrough();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const writing = writeLogExport(manager, stream).finally(() => stream.end());
  // Keep a rejected write from being unhandled while the verifier runs; it is awaited below.
  writing.catch(() => undefined);
  const verdict = await verifyLogExport(lines, { verifierKey });
  // The verifier stops at the first problem: the writer is told to stop, not left waiting to drain.
  stream.destroy();
  let treeSize: number;
  let checkpoint: string;
  try {
    ({ treeSize, signedNote: checkpoint } = await writing);
  } catch (error) {
    if (error instanceof NoCheckpointYetError) return { treeSize: 0, checkpoint: null, ok: true };
    throw error;
  }
  if (verdict.ok) return { treeSize, checkpoint, ok: true };
  const { leafIndex, entryId, reason } = verdict.problem;
  return {
    treeSize,
    checkpoint,
    ok: false,
    firstProblem: { leafIndex: leafIndex ?? -1, entryId: entryId ?? null, problem: reason },
  };
}
