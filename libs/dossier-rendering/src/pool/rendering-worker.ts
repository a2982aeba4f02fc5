import { dossierAttachment } from '../model/dossier-attachments';
import type { VersionIdentity } from '../model/build-rendered-dossier';
import { renderDossier } from '../render-dossier';
import type { RenderingChoice, RenderingFormat } from '../rendering-choice';
import { RenderingError, type RenderingErrorCode } from '../rendering-error';

/** One piece of work for a rendering thread: a rendering, or one attachment taken out of the dossier. */
export type RenderingTask =
  | {
      kind: 'render';
      bytes: Uint8Array;
      identity: VersionIdentity;
      choice: RenderingChoice;
      format: RenderingFormat;
    }
  | { kind: 'attachment'; bytes: Uint8Array; number: number };

/**
 * What a thread answers. A RenderingError crosses the thread boundary as its code: an Error's own fields
 * do not survive the structured clone, and the API must tell "no such verzorger" from a bug.
 */
export type RenderingOutcome =
  | { ok: true; mediaType: string; bytes: Uint8Array; fileName: string | null }
  | { ok: false; code: RenderingErrorCode; message: string };

/** The pool's entry point (piscina calls the default export in a worker thread). */
export default async function renderInWorker(task: RenderingTask): Promise<RenderingOutcome> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  try {
    if (task.kind === 'render') {
      const file = await renderDossier({ ...task, bytes });
      return { ok: true, mediaType: file.mediaType, bytes: file.bytes, fileName: null };
    }
    // Only the asked one is decoded: a dossier may carry megabytes of other attachments.
    const attachment = dossierAttachment(bytes, task.number);
    if (!attachment) {
      throw new RenderingError('ATTACHMENT_NOT_IN_DOSSIER', `the dossier has no attachment ${task.number}`);
    }
    return {
      ok: true,
      mediaType: attachment.mediaType,
      bytes: attachment.content,
      fileName: attachment.fileName,
    };
  } catch (error) {
    if (error instanceof RenderingError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
