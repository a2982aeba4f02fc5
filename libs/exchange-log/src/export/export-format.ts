/**
 * The exchange log's export (docs/exchange-log.md, "Verifying offline"): JSON Lines. The first line is a
 * header carrying the signed checkpoint the export is taken under; then one line per leaf, in leaf order,
 * for every leaf in [0, checkpoint size): an export is the whole tree, so a verifier rebuilds the root
 * from the entries alone and trusts nothing else in the file.
 */
export const LOG_EXPORT_FORMAT = 'oso-exchange-log-export/v1';

export interface LogExportHeader {
  format: typeof LOG_EXPORT_FORMAT;
  /** The log's origin, as in the checkpoint. */
  origin: string;
  /** The leaves the export holds, [from, to): always 0 and the checkpoint's size in this version. */
  from: number;
  to: number;
  /** The C2SP signed note of the checkpoint that covers the export. */
  checkpoint: string;
}

export interface LogExportLine {
  leafIndex: number;
  /** The entry as `canonicalEntry` gives it: the verifier re-serializes it to get the leaf bytes. */
  entry: Record<string, unknown>;
  /**
   * The leaf hash the sequencer integrated for this index (base64). Not trusted: the root is recomputed
   * from the entries. It only lets the verifier name the entry that changed after integration.
   */
  leafHash: string;
}

/**
 * A partial export (an auditor's schools, or a time range): only some leaves, so the root cannot be
 * rebuilt from them. Each line carries its RFC 9162 inclusion proof against the header's checkpoint,
 * and the header optionally a consistency proof from an earlier tree size the client named.
 */
export const LOG_EXPORT_FORMAT_V2 = 'oso-exchange-log-export/v2';

export interface PartialLogExportHeader {
  format: typeof LOG_EXPORT_FORMAT_V2;
  origin: string;
  /** The checkpoint's tree size: every line's proof leads to its root. */
  treeSize: number;
  checkpoint: string;
  /** What was selected (for the reader; the verifier checks entries, not completeness). */
  selection: { schools: 'all' | string[]; from?: string; to?: string };
  /** RFC 9162 consistency proof (base64) from the tree of `fromSize` leaves to `treeSize`. */
  consistency?: { fromSize: number; proof: string[] };
}

export interface PartialLogExportLine extends LogExportLine {
  /** RFC 9162 inclusion proof of the leaf in the checkpoint's tree, bottom-up, base64. */
  inclusionProof: string[];
}
