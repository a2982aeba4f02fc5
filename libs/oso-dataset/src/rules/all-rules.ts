import { ATTACHMENT_RULES } from './attachment.rules';
import { CATEGORY_RULES } from './category.rules';
import { CODE_LIST_RULES } from './codelist.rules';
import { DossierRule, RuleSet, isStrictOnly } from './dossier-rule';
import { FIELD_FORMAT_RULES } from './field-format.rules';
import { INZAGE_RULES } from './inzage.rules';
import { METADATA_RULES } from './metadata.rules';
import { OVERSTAPADVIES_RULES } from './overstapadvies.rules';
import { PRIVACY_MASKING_RULES } from './privacy-masking.rules';
import { PROFILE_RULES } from './profile.rules';
import { PUPIL_RULES } from './pupil.rules';
import { SCHOOL_RULES } from './school.rules';
import { TEST_RULES } from './tests.rules';
import { VERZORGER_RULES } from './verzorgers.rules';

export const ALL_RULES: readonly DossierRule[] = [
  ...METADATA_RULES,
  ...PROFILE_RULES,
  ...INZAGE_RULES,
  ...SCHOOL_RULES,
  ...PUPIL_RULES,
  ...PRIVACY_MASKING_RULES,
  ...VERZORGER_RULES,
  ...CODE_LIST_RULES,
  ...CATEGORY_RULES,
  ...OVERSTAPADVIES_RULES,
  ...TEST_RULES,
  ...FIELD_FORMAT_RULES,
  ...ATTACHMENT_RULES,
];

const OFFICIAL_RULES = ALL_RULES.filter((rule) => !isStrictOnly(rule));

export function rulesFor(set: RuleSet): readonly DossierRule[] {
  return set === 'strict' ? ALL_RULES : OFFICIAL_RULES;
}
