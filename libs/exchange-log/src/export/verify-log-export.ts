import { Checkpoint, openCheckpoint, parseVerifierKey } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { EMPTY_TREE_ROOT, MerkleFrontier, leafHash } from '../merkle';
import { LOG_EXPORT_FORMAT, LOG_EXPORT_FORMAT_V2, LogExportHeader, LogExportLine } from './export-format';
import { ExportedEntryError, entryFromExport } from './export-entry';
import { verifyPartialExport } from './verify-partial-log-export';

export interface LogExportVerifyOptions {
  /** The log's verifier key (C2SP vkey text, `log-key.pub`); its name is the log's origin. */
  verifierKey: string;
  /** An earlier signed checkpoint of the same log, which the export must extend. */
  previousCheckpoint?: string;
}

/** The first thing wrong with an export: where (file line, leaf, entry id when known) and why. */
export interface LogExportProblem {
  /** The export's line (1 is the header); absent when the problem is the earlier checkpoint. */
  line?: number;
  leafIndex?: number;
  entryId?: string;
  reason: string;
}

export type LogExportVerdict =
  | {
      ok: true;
      checkpoint: Checkpoint;
      previous?: Checkpoint;
      /** A partial (v2) export: how many entries it holds, each proven included in the checkpoint. */
      partial?: { entries: number };
    }
  | { ok: false; problem: LogExportProblem };

export class ExportProblem extends Error {
  constructor(readonly problem: LogExportProblem) {
    super(problem.reason);
  }
}

/**
 * Verifies an export (export-format.ts) line by line with memory bounded by the tree's height: the
 * checkpoint's signature by the log key, every entry valid and re-serialized to its leaf bytes (a stored
 * hash is never trusted), leaves contiguous from 0, the root of the rebuilt tree equal to the checkpoint's
 * and, given an earlier checkpoint, the root of the first `previous.size` leaves equal to its root (the
 * export holds every leaf, so consistency needs no proof). Stops at the first problem.
 */
export async function verifyLogExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: LogExportVerifyOptions,
): Promise<LogExportVerdict> {
  try {
    const [first, rest] = await firstLine(lines);
    const all = withFirst(first, rest);
    return isPartialHeader(first) ? await verifyPartialExport(all, options) : await verify(all, options);
  } catch (error) {
    if (error instanceof ExportProblem) return { ok: false, problem: error.problem };
    throw error;
  }
}

async function verify(
  lines: AsyncIterable<string> | Iterable<string>,
  options: LogExportVerifyOptions,
): Promise<LogExportVerdict> {
  const origin = parseVerifierKey(options.verifierKey).name;
  const previous =
    options.previousCheckpoint === undefined
      ? undefined
      : openSigned(options.previousCheckpoint, options.verifierKey, origin, 'the earlier checkpoint');
  let checkpoint: Checkpoint | undefined;
  const frontier = MerkleFrontier.empty();
  let previousRoot: Buffer | undefined = previous?.size === 0 ? EMPTY_TREE_ROOT : undefined;
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (checkpoint === undefined) {
      checkpoint = readHeader(text, options.verifierKey, origin);
      continue;
    }
    if (text.length === 0) continue;
    const expected = frontier.size;
    const line = readLine(text, lineNumber, expected);
    const at = { line: lineNumber, leafIndex: line.leafIndex, entryId: entryIdOf(line.entry) };
    if (line.leafIndex !== expected) {
      const reason =
        line.leafIndex > expected
          ? `leaf ${expected} is missing: the line after leaf ${expected - 1} is leaf ${line.leafIndex}`
          : `leaf ${line.leafIndex} appears again after leaf ${expected - 1}`;
      fail({ ...at, leafIndex: expected, reason });
    }
    if (expected >= checkpoint.size) {
      fail({ ...at, reason: `the checkpoint covers ${checkpoint.size} leaves; this one is beyond it` });
    }
    const hash = recomputedLeafHash(line, at);
    frontier.append(hash);
    if (previous !== undefined && frontier.size === previous.size) previousRoot = frontier.root();
  }
  if (checkpoint === undefined) fail({ line: 1, reason: 'the export is empty: no header line' });
  return finish(checkpoint, frontier, lineNumber, previous, previousRoot);
}

/** The first line, and the rest of the lines not yet read. */
async function firstLine(
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<[string | undefined, AsyncIterator<string> | Iterator<string>]> {
  const iterator =
    Symbol.asyncIterator in lines
      ? (lines as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (lines as Iterable<string>)[Symbol.iterator]();
  const first = await iterator.next();
  return [first.done ? undefined : first.value, iterator];
}

async function* withFirst(
  first: string | undefined,
  rest: AsyncIterator<string> | Iterator<string>,
): AsyncGenerator<string> {
  if (first === undefined) return;
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

function isPartialHeader(text: string | undefined): boolean {
  try {
    return (JSON.parse(text ?? '') as { format?: unknown } | null)?.format === LOG_EXPORT_FORMAT_V2;
  } catch {
    return false;
  }
}

function finish(
  checkpoint: Checkpoint,
  frontier: MerkleFrontier,
  lastLine: number,
  previous: Checkpoint | undefined,
  previousRoot: Buffer | undefined,
): LogExportVerdict {
  if (frontier.size < checkpoint.size) {
    fail({
      line: lastLine,
      leafIndex: frontier.size,
      reason: `the export ends after ${frontier.size} of the checkpoint's ${checkpoint.size} leaves`,
    });
  }
  const root = frontier.root();
  if (!root.equals(checkpoint.rootHash)) {
    // Every entry matched its exported leaf hash, so those hashes were rewritten too: no entry to name.
    fail({
      line: 1,
      reason:
        `the tree of the exported entries has root ${root.toString('base64')}, the checkpoint signed ` +
        `${checkpoint.rootHash.toString('base64')} (entries and leaf hashes were both rewritten)`,
    });
  }
  if (previous !== undefined) {
    if (previous.size > checkpoint.size) {
      fail({
        reason: `the earlier checkpoint covers ${previous.size} leaves, more than this export's ${checkpoint.size}`,
      });
    }
    if (!previousRoot?.equals(previous.rootHash)) {
      fail({
        reason:
          `not consistent with the earlier checkpoint: the first ${previous.size} leaves have root ` +
          `${previousRoot?.toString('base64')}, it signed ${previous.rootHash.toString('base64')}`,
      });
    }
  }
  return previous === undefined ? { ok: true, checkpoint } : { ok: true, checkpoint, previous };
}

function readHeader(text: string, verifierKey: string, origin: string): Checkpoint {
  const header = parseJson(text, 1) as Partial<LogExportHeader> | null;
  if (typeof header !== 'object' || header === null || header.format !== LOG_EXPORT_FORMAT) {
    fail({ line: 1, reason: `the first line is not a ${LOG_EXPORT_FORMAT} header` });
  }
  if (typeof header.checkpoint !== 'string') fail({ line: 1, reason: 'the header has no checkpoint' });
  const checkpoint = openSigned(header.checkpoint, verifierKey, origin, 'the checkpoint', 1);
  if (header.origin !== checkpoint.origin || header.from !== 0 || header.to !== checkpoint.size) {
    fail({ line: 1, reason: 'the header does not describe its checkpoint (origin, from 0, to its size)' });
  }
  return checkpoint;
}

export function openSigned(
  note: string,
  verifierKey: string,
  origin: string,
  what: string,
  line?: number,
): Checkpoint {
  try {
    return openCheckpoint(note, [verifierKey], origin).checkpoint;
  } catch (error) {
    return fail({ line, reason: `${what} does not verify: ${(error as Error).message}` });
  }
}

/** One entry line; `expected` is the leaf it should be, when the format says (v1: the next leaf). */
export function readLine(text: string, lineNumber: number, expected?: number): LogExportLine {
  const line = parseJson(text, lineNumber, expected) as Partial<LogExportLine>;
  if (
    typeof line !== 'object' ||
    line === null ||
    !Number.isSafeInteger(line.leafIndex) ||
    typeof line.leafHash !== 'string'
  ) {
    fail({ line: lineNumber, leafIndex: expected, reason: 'the line has no leafIndex, entry and leafHash' });
  }
  return line as LogExportLine;
}

export function parseJson(text: string, line: number, leafIndex?: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail({ line, leafIndex, reason: 'the line is not JSON' });
  }
}

export function entryIdOf(entry: unknown): string | undefined {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * An exported line's leaf hash, recomputed from its entry, never taken from the file. Fails when the entry
 * is not valid under the log's model, or does not hash to the leaf the log stored for its index (which
 * names the entry that changed after integration; the root or the proof is what carries the proof).
 */
export function recomputedLeafHash(
  line: { entry: unknown; leafHash: unknown },
  at: Omit<LogExportProblem, 'reason'>,
): Buffer {
  let hash: Buffer;
  try {
    hash = leafHash(canonicalEntryBytes(entryFromExport(line.entry)));
  } catch (error) {
    if (!(error instanceof ExportedEntryError)) throw error;
    return fail({ ...at, reason: `invalid entry: ${error.message}` });
  }
  if (line.leafHash !== hash.toString('base64')) {
    fail({
      ...at,
      reason:
        'the entry does not hash to the leaf the log integrated at this index ' +
        '(changed, swapped or inserted after integration)',
    });
  }
  return hash;
}

export function fail(problem: LogExportProblem): never {
  const defined = Object.fromEntries(Object.entries(problem).filter(([, value]) => value !== undefined));
  throw new ExportProblem(defined as unknown as LogExportProblem);
}
