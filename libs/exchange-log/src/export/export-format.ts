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
