import { renderDossier } from '@app/dossier-rendering/render-dossier';
import type { RenderingChoice } from '@app/dossier-rendering/rendering-choice';
import { RenderingError } from '@app/dossier-rendering/rendering-error';
import { DEFAULT_MAX_DOSSIER_BYTES } from '@app/oso-dataset/dossier-input';
import { DossierValidationEngine } from '@app/oso-dataset/dossier-validation-engine';
import { readFileSync } from 'node:fs';
import { CommandExit, UsageError } from '../output';
import { describe } from '../validate/validate.command';
import type { RenderOptions } from './render.command';

/** Exit codes, as `oso validate`: 1 the dossier cannot be rendered (invalid, or the form does not fit it). */
const EXIT_NOT_RENDERED = 1;

function choiceOf(options: RenderOptions): RenderingChoice {
  if (options.form === 'for-verzorger') {
    if (options.verzorger === undefined)
      throw new UsageError('--form for-verzorger needs --verzorger N (the parent’s position, 1 = first)');
    return { form: 'for-verzorger', verzorger: options.verzorger };
  }
  if (options.verzorger !== undefined)
    throw new UsageError('--verzorger goes only with --form for-verzorger');
  return { form: options.form };
}

function readDossier(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
}

/**
 * Validates the file strictly, as staging does (with the content hash, so the rendering names the hash
 * the broker would give this version), renders it and writes the bytes to stdout. Nothing reaches stdout
 * unless the whole rendering was made, so a redirect never holds half a file.
 */
export async function renderFile(file: string, options: RenderOptions): Promise<void> {
  // PDF bytes on a terminal garble it; refuse before doing any work.
  if (options.format === 'pdf' && process.stdout.isTTY)
    throw new UsageError('a PDF is not for the terminal: redirect to a file (… --format pdf > dossier.pdf)');
  const choice = choiceOf(options);
  const bytes = readDossier(file);

  const engine = await DossierValidationEngine.load();
  const verdict = engine.validate(bytes, {
    ruleSet: 'strict',
    maxBytes: DEFAULT_MAX_DOSSIER_BYTES,
    withContentHash: true,
  });
  if (!verdict.valid || !verdict.facts) {
    process.stderr.write(`${describe(file, verdict)}\n`);
    throw new CommandExit(EXIT_NOT_RENDERED);
  }

  let rendered;
  try {
    rendered = await renderDossier({
      bytes,
      // Offline there is no version number: only the broker numbers the versions it stages.
      identity: { versionNumber: null, contentHash: verdict.facts.contentHash },
      choice,
      format: options.format,
    });
  } catch (error) {
    if (!(error instanceof RenderingError)) throw error;
    process.stderr.write(`oso: ${error.code}: ${error.message}\n`);
    throw new CommandExit(EXIT_NOT_RENDERED);
  }
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(rendered.bytes, (error) => (error ? reject(error) : resolve())),
  );
}
