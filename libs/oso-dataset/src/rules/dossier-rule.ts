import { DossierElement } from '../dossier-element';
import { DossierUnderReview, RuleBundle } from './dossier-under-review';

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
  /**
   * The bundles of the official validator that run this rule: those whose templates reach it from the
   * document root through apply-templates. `[]` for a rule the standard states but the official
   * validator never reaches (nothing below the pupil runs in the OV bundle: its pupil template applies
   * no templates); left out by our own rules. Either way the rule then runs in the strict set only.
   */
  officialIn?: readonly RuleBundle[];
  /** What the rule demands, for documentation and `oso rules`. */
  summary: { en: string; nl: string };
  check(dossier: DossierUnderReview): RuleBreach[];
}

/** Rules of the shared part (code lists, field formats, category opt-outs): its root template runs them in both bundles. */
export const BOTH_BUNDLES: readonly RuleBundle[] = ['OV', 'PaO'];
/** A rule the standard states but the official validator does not reach: strict only. */
export const NOT_REACHED: readonly RuleBundle[] = [];

export function isStrictOnly(rule: DossierRule): boolean {
  return !rule.officialIn?.length;
}
