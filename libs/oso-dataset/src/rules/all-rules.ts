import { OVERSTAPADVIES_RULES, TEST_RULES, VERZORGER_RULES } from './advice-and-tests.rules';
import { ATTACHMENT_RULES } from './attachment.rules';
import { CATEGORY_RULES } from './category.rules';
import { CODE_LIST_RULES } from './codelist.rules';
import { DossierRule, RuleSet, isStrictOnly } from './dossier-rule';
import { INZAGE_RULES } from './inzage.rules';
import { METADATA_RULES } from './metadata.rules';
import { PROFILE_RULES } from './profile.rules';
import { PUPIL_RULES } from './pupil.rules';

export const ALL_RULES: readonly DossierRule[] = [
  ...METADATA_RULES,
  ...PROFILE_RULES,
  ...INZAGE_RULES,
  ...PUPIL_RULES,
  ...CODE_LIST_RULES,
  ...CATEGORY_RULES,
  ...OVERSTAPADVIES_RULES,
  ...TEST_RULES,
  ...VERZORGER_RULES,
  ...ATTACHMENT_RULES,
];

export function rulesFor(set: RuleSet): readonly DossierRule[] {
  return set === 'strict' ? ALL_RULES : ALL_RULES.filter((rule) => !isStrictOnly(rule));
}
