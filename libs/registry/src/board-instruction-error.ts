/**
 * Why a board instruction is refused. Each code is one of the API's error catalogue (the exception filter
 * takes the status from there), so the registry never names an HTTP status.
 */
export type BoardInstructionErrorCode =
  | 'BOARD_INSTRUCTION_INVALID'
  | 'BOARD_NOT_FOUND'
  | 'BOARD_NOT_MANDATED'
  | 'RELEASE_POLICY_UNKNOWN'
  | 'RETENTION_TERM_OUT_OF_RANGE';

export class BoardInstructionError extends Error {
  constructor(
    readonly code: BoardInstructionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BoardInstructionError';
  }
}
