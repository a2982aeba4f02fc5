import { DossierValidationEngine, defaultSchemaPath } from '@app/oso-dataset';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { median } from '@app/exchange-log/bench/bench-statistics';
import { nativeRate, ourRate } from '../validation-benchmark';

/** The validation baselines of one run: the same dossier file the staging scenario uploads. */
export interface ValidationBaselines {
  /** Native libxml2 (xmllint, schema only), dossiers per second; null without xmllint. */
  nativePerSecond: number | null;
  /** Our strict validation in this process, one core, dossiers per second. */
  inProcessPerSecond: number;
  rounds: number;
}

const ROUNDS = 3;
const WARMUP_VALIDATIONS = 100;

/**
 * bench:validate's two measurements (`nativeRate`, `ourRate`), alternated over a few rounds while the
 * broker idles, medians reported: the same bytes the scenarios upload, in the same run.
 */
export async function measureValidationBaselines(dossierFile: string): Promise<ValidationBaselines> {
  const schema = defaultSchemaPath();
  const withNative = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
  const engine = await DossierValidationEngine.load(schema);
  const bytes = readFileSync(dossierFile);
  for (let warmup = 0; warmup < WARMUP_VALIDATIONS; warmup++) engine.validate(bytes);
  const native: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (withNative) native.push(nativeRate(schema, dossierFile));
    ours.push(ourRate(engine, bytes));
  }
  return {
    nativePerSecond: withNative ? median(native) : null,
    inProcessPerSecond: median(ours),
    rounds: ROUNDS,
  };
}
