/** Stable codes for a refused note, checkpoint or key text; each message says what is wrong. */
export type NoteErrorCode =
  | 'NOTE_MALFORMED'
  | 'NOTE_UNVERIFIED'
  | 'NOTE_SIGNATURE_INVALID'
  | 'NOTE_KEY_INVALID'
  | 'CHECKPOINT_MALFORMED'
  | 'CHECKPOINT_ORIGIN_MISMATCH';

export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

/** A checkpoint body that does not follow c2sp.org/tlog-checkpoint, or is not from the expected log. */
export class CheckpointError extends NoteError {
  constructor(message: string, code: NoteErrorCode = 'CHECKPOINT_MALFORMED') {
    super(code, message);
    this.name = 'CheckpointError';
  }
}
