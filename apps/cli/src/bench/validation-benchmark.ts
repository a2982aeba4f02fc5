import { DossierValidationEngine, defaultSchemaPath } from '@app/oso-dataset';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const EXAMPLE = resolve(
  process.env.OSO_EXAMPLES_DIR ?? '../shared/oso/reference/examples',
  'Voorbeelddossier_OV_POVO_full.xml',
);
const NATIVE_COPIES = 500;
const OUR_SECONDS = 1;
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Native baseline: one xmllint call, schema compiled once, the same dossier N times. */
function nativeRate(schema: string): number {
  const files = Array.from({ length: NATIVE_COPIES }, () => EXAMPLE);
  const start = process.hrtime.bigint();
  const native = spawnSync('xmllint', ['--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (native.status !== 0) throw new Error(`xmllint failed: ${native.stderr.slice(0, 300)}`);
  return NATIVE_COPIES / seconds;
}

function ourRate(engine: DossierValidationEngine, bytes: Buffer): number {
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
 * `npm run bench:validate`: strict validation of the full POVO example in this process (one core), and
 * in the same run native libxml2 (`xmllint --noout --schema`, schema only) over the same file repeated
 * in one call as the baseline. The two alternate in rounds, so that both see the same load on a shared
 * machine, and each round's ratio pairs figures measured a second apart. Prints every round and the
 * medians.
 */
async function main(): Promise<void> {
  const bytes = readFileSync(EXAMPLE);
  const schema = defaultSchemaPath();

  const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (xmllint.status !== 0) {
    process.stderr.write('bench: xmllint not found; install it (Debian: apt-get install libxml2-utils)\n');
    process.exit(2);
  }

  const engine = await DossierValidationEngine.load(schema);
  for (let warmup = 0; warmup < 200; warmup++) engine.validate(bytes);

  const native: number[] = [];
  const ours: number[] = [];
  const lines = [
    `dossier: ${EXAMPLE} (${(bytes.length / 1024).toFixed(0)} KiB); each round: xmllint over ${NATIVE_COPIES} copies, then ${OUR_SECONDS} s in this process`,
  ];
  for (let round = 0; round < ROUNDS; round++) {
    native.push(nativeRate(schema));
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
  process.stdout.write(lines.join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
