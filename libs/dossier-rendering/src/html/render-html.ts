import type { RenderedDossier } from '../model/rendered-dossier';

/**
 * One self-contained HTML page (Dutch, no external resources) of the model.
 * SKELETON (issue #12): built by the HTML work.
 */
export function renderHtml(_dossier: RenderedDossier): string {
  throw new Error('renderHtml: not built yet (issue #12)');
}
