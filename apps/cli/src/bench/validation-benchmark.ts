import { DossierValidationEngine, defaultSchemaPath, generateDossier } from '@app/oso-dataset';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The official POVO example, measured too where it is (OSO_EXAMPLES_DIR, or ../shared beside the clone). */
const OFFICIAL_POVO = resolve(
  process.env.OSO_EXAMPLES_DIR ??
    resolve(__dirname, '..', '..', '..', '..', '..', '..', 'shared', 'oso', 'reference', 'examples'),
  'Voorbeelddossier_OV_POVO_full.xml',
);
/**
 * About the official POVO example's size and shape (≈170 KiB, most of it in attachments), so the figures
 * stay comparable with the ones measured on it before.
 */
const BENCHMARK_RECIPE = { profile: 'POVO', seed: 1, attachments: { count: 15, bytesEach: 8 * 1024 } };

const NATIVE_COPIES = 500;
const OUR_SECONDS = 1;
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Native baseline: one xmllint call, schema compiled once, the same dossier N times. */
export function nativeRate(schema: string, file: string): number {
  const files = Array.from({ length: NATIVE_COPIES }, () => file);
  const start = process.hrtime.bigint();
  const native = spawnSync('xmllint', ['--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (native.status !== 0) throw new Error(`xmllint failed: ${native.stderr.slice(0, 300)}`);
  return NATIVE_COPIES / seconds;
}

export function ourRate(engine: DossierValidationEngine, bytes: Buffer): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(OUR_SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    const verdict = engine.validate(bytes, { ruleSet: 'strict' });
    if (!verdict.valid) throw new Error('the benchmark dossier must be valid');
    count++;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * `npm run bench:validate`: strict validation of a full generated POVO dossier (`oso generate --profile
 * POVO --attachments …`, seeded, so every run measures the same bytes) in this process (one core), and in
 * the same run native libxml2 (`xmllint --noout --schema`, schema only) over the same file repeated in one
 * call as the baseline; then the same for the official POVO example where it exists. The two alternate in
 * rounds, so that both see the same load on a shared machine, and each round's ratio pairs figures
 * measured a second apart. Prints every round and the medians. Without xmllint it measures ours alone
 * and says how to get the baseline.
 */
async function main(): Promise<void> {
  const schema = defaultSchemaPath();
  const withBaseline = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!withBaseline) {
    process.stderr.write(
      'bench: xmllint not found, so no native baseline: measuring ours alone ' +
        '(for the ratio install it; Debian: apt-get install libxml2-utils)\n',
    );
  }
  const engine = await DossierValidationEngine.load(schema);

  const dir = mkdtempSync(join(tmpdir(), 'oso-bench-'));
  try {
    const generated = join(dir, 'generated-povo.xml');
    writeFileSync(generated, generateDossier(BENCHMARK_RECIPE).xml);
    const run = (file: string, label: string) =>
      withBaseline ? benchmark(engine, schema, file, label) : oursAlone(engine, file, label);
    const lines = run(generated, `generated POVO (seed ${BENCHMARK_RECIPE.seed})`);
    if (existsSync(OFFICIAL_POVO)) lines.push(...run(OFFICIAL_POVO, 'official POVO example'));
    else
      lines.push(
        `(the official POVO example is not at ${OFFICIAL_POVO}; set OSO_EXAMPLES_DIR to measure it too)`,
        '',
      );
    process.stdout.write(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchmark(engine: DossierValidationEngine, schema: string, file: string, label: string): string[] {
  const bytes = readFileSync(file);
  for (let warmup = 0; warmup < 200; warmup++) engine.validate(bytes);
  const native: number[] = [];
  const ours: number[] = [];
  const lines = [
    `dossier: ${label}, ${file} (${(bytes.length / 1024).toFixed(0)} KiB); each round: xmllint over ${NATIVE_COPIES} copies, then ${OUR_SECONDS} s in this process`,
  ];
  for (let round = 0; round < ROUNDS; round++) {
    native.push(nativeRate(schema, file));
    ours.push(ourRate(engine, bytes));
    lines.push(
      `round ${round + 1}: native ${native[round].toFixed(0)}/s, ours ${ours[round].toFixed(0)}/s, ratio ${(ours[round] / native[round]).toFixed(2)}`,
    );
  }
  const ratios = ours.map((rate, round) => rate / native[round]);
  lines.push(
    `native libxml2 (xmllint, schema only): ${median(native).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    `oso-dataset strict (parse + schema + all rules, one core): ${median(ours).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    `ratio: ${median(ratios).toFixed(2)} (median of the rounds' ratios; lowest ${Math.min(...ratios).toFixed(2)}, highest ${Math.max(...ratios).toFixed(2)}; target ≥ 0.50)`,
    '',
  );
  return lines;
}

/** Our rate alone, in the same rounds, where no xmllint gives the baseline. */
function oursAlone(engine: DossierValidationEngine, file: string, label: string): string[] {
  const bytes = readFileSync(file);
  for (let warmup = 0; warmup < 200; warmup++) engine.validate(bytes);
  const ours = Array.from({ length: ROUNDS }, () => ourRate(engine, bytes));
  return [
    `dossier: ${label}, ${file} (${(bytes.length / 1024).toFixed(0)} KiB); each round: ${OUR_SECONDS} s in this process`,
    ...ours.map((rate, round) => `round ${round + 1}: ours ${rate.toFixed(0)}/s`),
    `oso-dataset strict (parse + schema + all rules, one core): ${median(ours).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    '',
  ];
}

// Run as a script only: `npm run bench` imports the two measurements for its baselines.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
