import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The one place that knows where the official OSO example dossiers are. They are not ours to publish, so a
 * plain clone lacks them: `OSO_EXAMPLES_DIR` names their folder, else `../shared/oso/reference/examples`
 * beside the repository (as on the build machine). The published code lists sit two folders up, as in
 * the official package.
 */
const REPO_ROOT = resolve(__dirname, '..', '..');

export const OFFICIAL_EXAMPLES_DIR = process.env.OSO_EXAMPLES_DIR
  ? resolve(process.env.OSO_EXAMPLES_DIR)
  : join(REPO_ROOT, '..', 'shared', 'oso', 'reference', 'examples');

export const OFFICIAL_CODELISTS_FILE = join(OFFICIAL_EXAMPLES_DIR, '..', '..', 'codelists.json');

/** True when the folder holds the examples (one file is enough to tell; the suites count them). */
export const OFFICIAL_EXAMPLES_PRESENT = existsSync(
  join(OFFICIAL_EXAMPLES_DIR, 'Voorbeelddossier_OV_POVO_full.xml'),
);

/**
 * The start of the one line a skipped conformance suite leaves in Jest's output; the reporter
 * (test/support/skipped-conformance-reporter.js) gathers the lines that start with it.
 */
export const CONFORMANCE_SKIPPED = 'official-example conformance skipped';

export const CONFORMANCE_SKIP_REASON =
  `${CONFORMANCE_SKIPPED}: ${OFFICIAL_EXAMPLES_DIR} not found; ` +
  'set OSO_EXAMPLES_DIR to the folder of the official example dossiers to run it';

/** The file names of the official examples (`Voorbeelddossier_*.xml`), sorted. */
export function officialExampleNames(): string[] {
  return readdirSync(OFFICIAL_EXAMPLES_DIR)
    .filter((name) => name.endsWith('.xml'))
    .sort();
}

/** One official example by its short name, e.g. `OV_POVO_full`. */
export function officialExample(name: string): string {
  return readFileSync(join(OFFICIAL_EXAMPLES_DIR, `Voorbeelddossier_${name}.xml`), 'utf8');
}

/** One official example by its file name, as `officialExampleNames` gives it. */
export function officialExampleByFileName(fileName: string): string {
  return readFileSync(join(OFFICIAL_EXAMPLES_DIR, fileName), 'utf8');
}

/** Full paths of every official example. */
export function officialExampleFiles(): string[] {
  return officialExampleNames().map((name) => join(OFFICIAL_EXAMPLES_DIR, name));
}

/**
 * A suite that checks conformance to the official examples. Without them it is registered as skipped,
 * with one skipped test whose title says why and how to run it (the suite's body, which reads the
 * examples, is not run); the reporter prints one line for all of them at the end of the run.
 */
export function describeOnOfficialExamples(name: string, body: () => void): void {
  if (OFFICIAL_EXAMPLES_PRESENT) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it.skip(CONFORMANCE_SKIP_REASON, () => undefined);
  });
}
