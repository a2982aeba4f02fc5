import { DossierValidationEngine, defaultSchemaPath } from '@app/oso-dataset';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const EXAMPLE = resolve(
  process.env.OSO_EXAMPLES_DIR ?? '../shared/oso/reference/examples',
  'Voorbeelddossier_OV_POVO_full.xml',
);
const NATIVE_COPIES = 500;
const OUR_SECONDS = 5;

/**
 * `npm run bench:validate`: strict validation of the full POVO example in this process (one core), and
 * in the same run native libxml2 (`xmllint --noout --schema`, schema only) over the same file repeated
 * in one call as the baseline. Prints both rates and the ratio.
 */
async function main(): Promise<void> {
  const bytes = readFileSync(EXAMPLE);
  const schema = defaultSchemaPath();

  const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (xmllint.status !== 0) {
    process.stderr.write('bench: xmllint not found; install it (Debian: apt-get install libxml2-utils)\n');
    process.exit(2);
  }
  // Native baseline: one xmllint call, schema compiled once, the same dossier N times.
  const files = Array.from({ length: NATIVE_COPIES }, () => EXAMPLE);
  const nativeStart = process.hrtime.bigint();
  const native = spawnSync('xmllint', ['--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const nativeSeconds = Number(process.hrtime.bigint() - nativeStart) / 1e9;
  if (native.status !== 0) throw new Error(`xmllint failed: ${native.stderr.slice(0, 300)}`);
  const nativeRate = NATIVE_COPIES / nativeSeconds;

  const engine = await DossierValidationEngine.load(schema);
  for (let warmup = 0; warmup < 200; warmup++) engine.validate(bytes);
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(OUR_SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    const verdict = engine.validate(bytes, { ruleSet: 'strict' });
    if (!verdict.valid) throw new Error('the benchmark dossier must be valid');
    count++;
  }
  const ourSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ourRate = count / ourSeconds;

  const size = (bytes.length / 1024).toFixed(0);
  process.stdout.write(
    [
      `dossier: ${EXAMPLE} (${size} KiB)`,
      `native libxml2 (xmllint, schema only): ${nativeRate.toFixed(0)} dossiers/s (${NATIVE_COPIES} in ${nativeSeconds.toFixed(2)} s)`,
      `oso-dataset strict (parse + schema + all rules, one core): ${ourRate.toFixed(0)} dossiers/s (${count} in ${ourSeconds.toFixed(2)} s)`,
      `ratio: ${(ourRate / nativeRate).toFixed(2)} (target ≥ 0.50)`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
