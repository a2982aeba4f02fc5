/** Why a rendering cannot be made; the API maps each code to its catalogue entry (never HTTP here). */
export const RENDERING_ERROR_CODES = [
  /** `for-verzorger` names a position the dossier has no `verzorger` at. */
  'VERZORGER_NOT_IN_DOSSIER',
  /** An attachment number the dossier has no attachment at. */
  'ATTACHMENT_NOT_IN_DOSSIER',
] as const;
export type RenderingErrorCode = (typeof RENDERING_ERROR_CODES)[number];

export class RenderingError extends Error {
  constructor(
    readonly code: RenderingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
