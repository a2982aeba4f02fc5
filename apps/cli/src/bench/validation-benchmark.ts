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

/** Strict validation as `POST /v1/validate` runs it, or (withContentHash) as staging does. */
export function ourRate(engine: DossierValidationEngine, bytes: Buffer, withContentHash = false): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(OUR_SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    const verdict = engine.validate(bytes, { ruleSet: 'strict', withContentHash });
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
 * measured a second apart. Each round also validates with the content hash, as staging does, and prints
 * the hash's cost (the time per dossier with it less the time without). Prints every round and the medians. Without xmllint it measures ours alone
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
  warmUp(engine, bytes);
  const native: number[] = [];
  const ours: number[] = [];
  const hashed: number[] = [];
  const lines = [
    `dossier: ${label}, ${file} (${(bytes.length / 1024).toFixed(0)} KiB); each round: xmllint over ${NATIVE_COPIES} copies, then ${OUR_SECONDS} s in this process without the content hash and ${OUR_SECONDS} s with it`,
  ];
  for (let round = 0; round < ROUNDS; round++) {
    native.push(nativeRate(schema, file));
    ours.push(ourRate(engine, bytes));
    hashed.push(ourRate(engine, bytes, true));
    lines.push(
      `round ${round + 1}: native ${native[round].toFixed(0)}/s, ours ${ours[round].toFixed(0)}/s, ratio ${(ours[round] / native[round]).toFixed(2)}; ${hashLine(ours[round], hashed[round])}`,
    );
  }
  const ratios = ours.map((rate, round) => rate / native[round]);
  lines.push(
    `native libxml2 (xmllint, schema only): ${median(native).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    `oso-dataset strict (parse + schema + all rules, one core): ${median(ours).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    `ratio: ${median(ratios).toFixed(2)} (median of the rounds' ratios; lowest ${Math.min(...ratios).toFixed(2)}, highest ${Math.max(...ratios).toFixed(2)}; target ≥ 0.50)`,
    ...hashSummary(ours, hashed),
    '',
  );
  return lines;
}

function warmUp(engine: DossierValidationEngine, bytes: Buffer): void {
  for (let warmup = 0; warmup < 200; warmup++) {
    engine.validate(bytes);
    engine.validate(bytes, { withContentHash: true });
  }
}

/** The content hash's cost: the time per dossier with it, less the time without, measured a second apart. */
function hashMs(rate: number, hashedRate: number): number {
  return 1000 / hashedRate - 1000 / rate;
}

function hashLine(rate: number, hashedRate: number): string {
  return `with content hash ${hashedRate.toFixed(0)}/s (hash ${hashMs(rate, hashedRate).toFixed(2)} ms)`;
}

function hashSummary(ours: number[], hashed: number[]): string[] {
  const costs = ours.map((rate, round) => hashMs(rate, hashed[round]));
  return [
    `oso-dataset strict with the content hash (as staging validates, one core): ${median(hashed).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    `content hash (exclusive C14N + SHA-256, and the inzage basis): ${median(costs).toFixed(2)} ms per dossier (median of the rounds; lowest ${Math.min(...costs).toFixed(2)}, highest ${Math.max(...costs).toFixed(2)}), ${(median(costs) / (1000 / median(ours))).toFixed(2)} × the validation's own time`,
  ];
}

/** Our rate alone, in the same rounds, where no xmllint gives the baseline. */
function oursAlone(engine: DossierValidationEngine, file: string, label: string): string[] {
  const bytes = readFileSync(file);
  warmUp(engine, bytes);
  const ours: number[] = [];
  const hashed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(ourRate(engine, bytes));
    hashed.push(ourRate(engine, bytes, true));
  }
  return [
    `dossier: ${label}, ${file} (${(bytes.length / 1024).toFixed(0)} KiB); each round: ${OUR_SECONDS} s in this process without the content hash and ${OUR_SECONDS} s with it`,
    ...ours.map(
      (rate, round) => `round ${round + 1}: ours ${rate.toFixed(0)}/s; ${hashLine(rate, hashed[round])}`,
    ),
    `oso-dataset strict (parse + schema + all rules, one core): ${median(ours).toFixed(0)} dossiers/s (median of ${ROUNDS} rounds)`,
    ...hashSummary(ours, hashed),
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
