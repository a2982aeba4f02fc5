import type { DossierVerdict, RuleSet } from '@app/oso-dataset';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CommandExit, say } from '../output';

/** One line per file: the verdict, and the first findings of an invalid dossier (`oso render` prints it too). */
export function describe(file: string, verdict: DossierVerdict): string {
  const profile = verdict.profile ?? '-';
  if (verdict.valid) {
    const notes = verdict.warnings.length
      ? `, ${verdict.warnings.length + verdict.findingsOmitted} warning(s)`
      : '';
    return `${file}: valid (${profile}${notes})`;
  }
  const first = verdict.errors
    .slice(0, 3)
    .map(
      (error) =>
        `${error.rule} at ${error.path}${error.line ? ` (line ${error.line})` : ''}: ${error.message}`,
    )
    .join(' | ');
  const more = verdict.errors.length > 3 ? ` | … ${verdict.errors.length - 3} more` : '';
  // Past the listed limit the broker only counts: say so rather than give a wrong total.
  const count = verdict.findingsOmitted
    ? `${verdict.errors.length} error(s) listed, ${verdict.findingsOmitted} more finding(s) not listed`
    : `${verdict.errors.length} error(s)`;
  return `${file}: invalid (${profile}), ${count}: ${first}${more}`;
}

/**
 * `oso validate [--json] [--rules official|strict] FILE…` — for vendors: judge dossiers as the broker
 * does (strict, the default) or as the official validator does (official), one line per file.
 */
export function validateCommand(): Command {
  return new Command('validate')
    .description('validate OSO 2019.1 dossiers (schema, code lists, business rules)')
    .argument('<files...>', 'dossier files (XML)')
    .option('--json', 'one JSON object per file and line')
    .addOption(
      new Option('--rules <set>', 'official: the official validator’s rules only; strict: also the broker’s')
        .choices(['official', 'strict'])
        .default('strict'),
    )
    .option('--max-bytes <bytes>', 'size limit per dossier', (value) => {
      const bytes = Number(value);
      if (!Number.isInteger(bytes) || bytes <= 0)
        throw new InvalidArgumentError('must be a positive whole number');
      return bytes;
    })
    .action(async (files: string[], options: { json?: boolean; rules: RuleSet; maxBytes?: number }) => {
      // The engine (and libxml2-wasm behind it) is loaded when there is something to validate.
      const { DossierValidationEngine } = await import('@app/oso-dataset/dossier-validation-engine');
      const { DEFAULT_MAX_DOSSIER_BYTES } = await import('@app/oso-dataset/dossier-input');
      const engine = await DossierValidationEngine.load();
      let anyInvalid = false;
      let anyUnreadable = false;
      for (const file of files) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (error) {
          anyUnreadable = true;
          process.stderr.write(
            `oso: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`,
          );
          continue;
        }
        const verdict = engine.validate(bytes, {
          ruleSet: options.rules,
          maxBytes: options.maxBytes ?? DEFAULT_MAX_DOSSIER_BYTES,
        });
        anyInvalid ||= !verdict.valid;
        if (options.json) {
          const strip = (finding: DossierVerdict['errors'][number]) => ({
            rule: finding.rule,
            path: finding.path,
            ...(finding.line ? { line: finding.line } : {}),
            message: finding.message,
            messageNl: finding.messageNl,
          });
          say(
            JSON.stringify({
              file,
              valid: verdict.valid,
              profile: verdict.profile,
              errors: verdict.errors.map(strip),
              warnings: verdict.warnings.map(strip),
              findingsOmitted: verdict.findingsOmitted,
            }),
          );
        } else {
          say(describe(file, verdict));
        }
      }
      // Exit codes: 0 all valid, 1 any invalid, 2 usage or I/O problem.
      throw new CommandExit(anyUnreadable ? 2 : anyInvalid ? 1 : 0);
    });
}

/**
 * `oso rules [--json]` — the business rules the broker applies, with the set each belongs to and, for
 * the official ones, the official validator's bundles (OV, PaO) that run it.
 */
export function rulesCommand(): Command {
  return new Command('rules')
    .description('list the business rules (id, family, rule set, official bundles, what it demands)')
    .option('--json', 'one JSON object per rule and line')
    .action(async (options: { json?: boolean }) => {
      const { ALL_RULES } = await import('@app/oso-dataset/rules/all-rules');
      const { isStrictOnly } = await import('@app/oso-dataset/rules/dossier-rule');
      for (const rule of ALL_RULES) {
        const set = isStrictOnly(rule) ? 'strict' : 'official';
        const officialIn = rule.officialIn ?? [];
        if (options.json) {
          say(
            JSON.stringify({
              id: rule.id,
              family: rule.family,
              set,
              officialIn,
              severity: rule.severity,
              ...rule.summary,
            }),
          );
        } else {
          const bundles = officialIn.join('+') || '-';
          say(
            `${rule.id.padEnd(12)} ${set.padEnd(8)} ${bundles.padEnd(6)} ${rule.severity.padEnd(7)} ${rule.summary.en}`,
          );
        }
      }
    });
}
