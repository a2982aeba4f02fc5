import { DossierElement } from '../dossier-element';
import { DossierUnderReview } from './dossier-under-review';

/** Which rule set a verdict uses: the official validator's rules only, or those plus our stricter ones. */
export type RuleSet = 'official' | 'strict';

export type RuleFamily =
  | 'metadata'
  | 'profile'
  | 'inzage'
  | 'school'
  | 'pupil'
  | 'privacy'
  | 'codelists'
  | 'categories'
  | 'overstapadvies'
  | 'tests'
  | 'verzorgers'
  | 'attachments'
  | 'formats';

/** One breach of a rule, in both languages, pointing at the element concerned. */
export interface RuleBreach {
  at: DossierElement | string;
  en: string;
  nl: string;
}

/**
 * A business rule. `id` is the standard's identifier where one exists (e.g. `OVa.IZ02`); our own
 * additions start with `BRK.` and run only in the strict set.
 */
export interface DossierRule {
  id: string;
  family: RuleFamily;
  severity: 'error' | 'warning';
  /** What the rule demands, for documentation and `oso validate --list-rules`. */
  summary: { en: string; nl: string };
  check(dossier: DossierUnderReview): RuleBreach[];
}

export function isStrictOnly(rule: DossierRule): boolean {
  return rule.id.startsWith('BRK.');
}
