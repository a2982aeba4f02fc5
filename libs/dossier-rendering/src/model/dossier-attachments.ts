import type { RenderedAttachment } from './rendered-dossier';

/**
 * Every attachment (`document` element) of a validated dossier version, in document order, numbered from
 * 1, content decoded and media type judged from the bytes. The API serves one on its own by its number.
 * SKELETON (issue #12): built by the model work.
 */
export function dossierAttachments(_bytes: Buffer): RenderedAttachment[] {
  throw new Error('dossierAttachments: not built yet (issue #12)');
}
