/** The body of every error the broker returns: a stable code to branch on and a message to act on. */
export interface ApiErrorBody {
  error: string;
  message: string;
  /** Further facts for some errors (e.g. the validation findings of a refused dossier). */
  [detail: string]: unknown;
}
