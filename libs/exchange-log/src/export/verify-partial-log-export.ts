import { Checkpoint, parseVerifierKey } from '../checkpoint';
import { verifyConsistency, verifyInclusion } from '../merkle';
import { LOG_EXPORT_FORMAT_V2, PartialLogExportHeader, PartialLogExportLine } from './export-format';
import type { LogExportVerdict, LogExportVerifyOptions } from './verify-log-export';
import { entryIdOf, fail, openSigned, parseJson, readLine, recomputedLeafHash } from './verify-log-export';

/**
 * Verifies a partial export (v2): the checkpoint's signature; for every line, in increasing leaf order
 * within the checkpoint's size, a valid entry whose recomputed leaf hash its inclusion proof leads to the
 * signed root — so a changed byte in any entry fails at that entry; and, given an earlier checkpoint, the
 * header's consistency proof from it. It cannot tell whether entries were left out: the export holds only
 * some leaves (the whole-log v1 export can, see verify-log-export.ts).
 */
export async function verifyPartialExport(
  lines: AsyncIterable<string>,
  options: LogExportVerifyOptions,
): Promise<LogExportVerdict> {
  const origin = parseVerifierKey(options.verifierKey).name;
  const previous =
    options.previousCheckpoint === undefined
      ? undefined
      : openSigned(options.previousCheckpoint, options.verifierKey, origin, 'the earlier checkpoint');
  let checkpoint: Checkpoint | undefined;
  let lineNumber = 0;
  let lastLeaf = -1;
  let entries = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (checkpoint === undefined) {
      checkpoint = readPartialHeader(text, options.verifierKey, origin, previous);
      continue;
    }
    if (text.length === 0) continue;
    // A partial export skips leaves: an unreadable line names no leaf, only itself.
    const line = readLine(text, lineNumber) as PartialLogExportLine;
    const at = { line: lineNumber, leafIndex: line.leafIndex, entryId: entryIdOf(line.entry) };
    if (line.leafIndex <= lastLeaf)
      fail({ ...at, reason: `leaf ${line.leafIndex} comes after leaf ${lastLeaf}` });
    if (line.leafIndex >= checkpoint.size) {
      fail({ ...at, reason: `the checkpoint covers ${checkpoint.size} leaves; this one is beyond it` });
    }
    const hash = recomputedLeafHash(line, at);
    const proof = Array.isArray(line.inclusionProof) ? line.inclusionProof.map(base64Hash) : [];
    if (!verifyInclusion(hash, line.leafIndex, checkpoint.size, proof, checkpoint.rootHash)) {
      fail({ ...at, reason: 'the entry’s inclusion proof does not lead to the checkpoint’s root' });
    }
    lastLeaf = line.leafIndex;
    entries += 1;
  }
  if (checkpoint === undefined) fail({ line: 1, reason: 'the export is empty: no header line' });
  const verdict: LogExportVerdict = { ok: true, checkpoint, partial: { entries } };
  return previous === undefined ? verdict : { ...verdict, previous };
}

function readPartialHeader(
  text: string,
  verifierKey: string,
  origin: string,
  previous: Checkpoint | undefined,
): Checkpoint {
  const header = parseJson(text, 1) as Partial<PartialLogExportHeader> | null;
  if (typeof header !== 'object' || header === null || header.format !== LOG_EXPORT_FORMAT_V2) {
    fail({ line: 1, reason: `the first line is not a ${LOG_EXPORT_FORMAT_V2} header` });
  }
  if (typeof header.checkpoint !== 'string') fail({ line: 1, reason: 'the header has no checkpoint' });
  const checkpoint = openSigned(header.checkpoint, verifierKey, origin, 'the checkpoint', 1);
  if (header.origin !== checkpoint.origin || header.treeSize !== checkpoint.size) {
    fail({ line: 1, reason: 'the header does not describe its checkpoint (origin, tree size)' });
  }
  if (previous !== undefined) checkConsistency(header, previous, checkpoint);
  return checkpoint;
}

function checkConsistency(
  header: Partial<PartialLogExportHeader>,
  previous: Checkpoint,
  checkpoint: Checkpoint,
): void {
  if (previous.size > checkpoint.size) {
    fail({
      reason: `the earlier checkpoint covers ${previous.size} leaves, more than this export's ${checkpoint.size}`,
    });
  }
  const consistency = header.consistency;
  if (consistency?.fromSize !== previous.size || !Array.isArray(consistency.proof)) {
    fail({
      line: 1,
      reason:
        `the export carries no consistency proof from tree size ${previous.size}: ` +
        'export again naming the earlier checkpoint (--previous)',
    });
  }
  const proof = consistency.proof.map(base64Hash);
  if (!verifyConsistency(previous.size, checkpoint.size, previous.rootHash, checkpoint.rootHash, proof)) {
    fail({
      reason:
        `not consistent with the earlier checkpoint: the consistency proof from ${previous.size} ` +
        `to ${checkpoint.size} leaves does not verify`,
    });
  }
}

function base64Hash(value: unknown): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
}
