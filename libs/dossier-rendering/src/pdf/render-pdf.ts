import type { RenderedDossier } from '../model/rendered-dossier';

/**
 * The PDF of the model (A4), made without a browser.
 * SKELETON (issue #12): built by the PDF work.
 */
export async function renderPdf(_dossier: RenderedDossier): Promise<Buffer> {
  throw new Error('renderPdf: not built yet (issue #12)');
}
