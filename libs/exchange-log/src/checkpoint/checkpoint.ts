import { HASH_SIZE } from '../merkle/hashing';
import { CheckpointError } from './note-error';
import { decodeStrictBase64, noteCharactersProblem } from './note-text';
import { openNote, signNote, type LogSigningKey } from './signed-note';

/**
 * A log's signed tree head in the C2SP tlog-checkpoint format (c2sp.org/tlog-checkpoint):
 * "<origin>\n<size>\n<base64 root>\n[extension lines\n]", the text of a signed note.
 */
export interface Checkpoint {
  /** Which log: the broker's origin, which is also its log key's name. */
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Opaque extra lines; the spec advises against them (monitors cannot audit them). */
  extensions?: string[];
}

const DECIMAL_WITHOUT_LEADING_ZEROES = /^(?:0|[1-9][0-9]*)$/;

function lineProblem(line: string): string | null {
  if (line.length === 0) return 'is empty';
  if (line.includes('\n')) return 'contains a newline';
  const problem = noteCharactersProblem(line);
  return problem === null ? null : `is unusable: ${problem}`;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  const originProblem = lineProblem(origin);
  if (originProblem !== null) throw new CheckpointError(`The checkpoint's origin ${originProblem}`);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CheckpointError(`The checkpoint's tree size must be a whole number ≥ 0, got ${size}`);
  }
  if (!Buffer.isBuffer(rootHash) || rootHash.length !== HASH_SIZE) {
    throw new CheckpointError(`The checkpoint's root hash must be ${HASH_SIZE} bytes`);
  }
  extensions.forEach((line, i) => {
    const problem = lineProblem(line);
    if (problem !== null) throw new CheckpointError(`Extension line ${i + 1} of the checkpoint ${problem}`);
  });
  return [origin, String(size), rootHash.toString('base64'), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/** Reads a checkpoint body (a note's text, after `openNote`); throws CheckpointError saying what is wrong. */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new CheckpointError('A checkpoint must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new CheckpointError('A checkpoint has at least three lines: origin, tree size and root hash');
  }
  const [origin, sizeText, rootText, ...extensions] = lines;
  const emptyAt = lines.findIndex((line) => line.length === 0);
  if (emptyAt >= 0) throw new CheckpointError(`Line ${emptyAt + 1} of the checkpoint is empty`);
  const problem = noteCharactersProblem(body);
  if (problem !== null) throw new CheckpointError(`The checkpoint is unusable: ${problem}`);
  if (!DECIMAL_WITHOUT_LEADING_ZEROES.test(sizeText)) {
    throw new CheckpointError(`The tree size must be decimal without leading zeroes, got "${sizeText}"`);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointError(`The tree size ${sizeText} is too large`);
  const rootHash = decodeStrictBase64(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE) {
    throw new CheckpointError(`The root hash must be the base64 of ${HASH_SIZE} bytes, got "${rootText}"`);
  }
  return extensions.length > 0 ? { origin, size, rootHash, extensions } : { origin, size, rootHash };
}

/** The checkpoint as a signed note, signed with the log key (whose name should be the origin). */
export function signCheckpoint(checkpoint: Checkpoint, key: LogSigningKey): string {
  return signNote(formatCheckpoint(checkpoint), key);
}

/**
 * Opens a signed checkpoint: the note must verify with one of `verifierKeys`, the body must be a
 * checkpoint and, when given, its origin must be `expectedOrigin` (a valid signature on another log's
 * checkpoint proves nothing about this one).
 */
export function openCheckpoint(
  note: string,
  verifierKeys: string[],
  expectedOrigin?: string,
): { checkpoint: Checkpoint; verifiedBy: string[] } {
  const { body, verifiedBy } = openNote(note, verifierKeys);
  const checkpoint = parseCheckpoint(body);
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw new CheckpointError(
      `The checkpoint is from log "${checkpoint.origin}", not from "${expectedOrigin}"`,
      'CHECKPOINT_ORIGIN_MISMATCH',
    );
  }
  return { checkpoint, verifiedBy };
}
