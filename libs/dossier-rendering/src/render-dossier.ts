import { renderHtml } from './html/render-html';
import { buildRenderedDossier, type VersionIdentity } from './model/build-rendered-dossier';
import { renderPdf } from './pdf/render-pdf';
import type { RenderingChoice, RenderingFormat } from './rendering-choice';

export interface RenderedFile {
  format: RenderingFormat;
  mediaType: 'text/html; charset=utf-8' | 'application/pdf';
  bytes: Buffer;
}

/** The rendering of a validated dossier version in one format and form: the one entry point API and CLI use. */
export async function renderDossier(input: {
  bytes: Buffer;
  identity: VersionIdentity;
  choice: RenderingChoice;
  format: RenderingFormat;
}): Promise<RenderedFile> {
  const model = buildRenderedDossier(input.bytes, input.identity, input.choice);
  if (input.format === 'pdf') {
    return { format: 'pdf', mediaType: 'application/pdf', bytes: await renderPdf(model) };
  }
  return {
    format: 'html',
    mediaType: 'text/html; charset=utf-8',
    bytes: Buffer.from(renderHtml(model), 'utf8'),
  };
}
