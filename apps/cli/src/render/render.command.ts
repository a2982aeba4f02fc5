import {
  RENDERING_FORMATS,
  RENDERING_FORMS,
  type RenderingForm,
  type RenderingFormat,
} from '@app/dossier-rendering/rendering-choice';
import { Command, InvalidArgumentError, Option } from 'commander';

export interface RenderOptions {
  format: RenderingFormat;
  form: RenderingForm;
  verzorger?: number;
}

/**
 * `oso render FILE --format html|pdf [--form …] [--verzorger N] > OUT` — for LAS developers: the broker's
 * readable rendering of a dossier, fully offline (no database, network or broker configuration). The
 * dossier is validated strictly first, as the broker does when it is staged, and the rendering names the
 * canonical content hash the broker would give that version.
 */
export function renderCommand(): Command {
  return new Command('render')
    .description('render a dossier as the broker does (Dutch HTML page or PDF) to stdout, offline')
    .argument('<file>', 'dossier file (XML)')
    .addOption(
      new Option('--format <format>', 'html: one self-contained page; pdf: for print and archive')
        .choices(RENDERING_FORMATS)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--form <form>',
        'complete; without-special-categories (no health data, support plans, attachments); ' +
          'for-verzorger (without the other verzorgers’ contact details)',
      )
        .choices(RENDERING_FORMS)
        .default('complete'),
    )
    .option(
      '--verzorger <n>',
      'with --form for-verzorger: the parent’s position among the dossier’s verzorgers (1 = first)',
      (value) => {
        const position = Number(value);
        if (!Number.isInteger(position) || position < 1)
          throw new InvalidArgumentError('must be a whole number from 1');
        return position;
      },
    )
    .action(async (file: string, options: RenderOptions) => {
      // The validation engine and the renderers (libxml2-wasm, pdfkit) load only when there is a file.
      const { renderFile } = await import('./render-file');
      await renderFile(file, options);
    });
}
