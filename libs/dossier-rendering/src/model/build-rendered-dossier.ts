import type { RenderingChoice } from '../rendering-choice';
import type { RenderedDossier } from './rendered-dossier';

/** Who the version is, as the broker (or the CLI) knows it: shown on every page. */
export interface VersionIdentity {
  versionNumber: number | null;
  /** Canonical SHA-256 (hex) of the version. */
  contentHash: string;
}

/**
 * Reads a validated dossier version into the model both renderers draw. Throws RenderingError
 * ('VERZORGER_NOT_IN_DOSSIER') when `for-verzorger` names a position without a verzorger.
 * SKELETON (issue #12): built by the model work.
 */
export function buildRenderedDossier(
  _bytes: Buffer,
  _identity: VersionIdentity,
  _choice: RenderingChoice,
): RenderedDossier {
  throw new Error('buildRenderedDossier: not built yet (issue #12)');
}
