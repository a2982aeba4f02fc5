import { ATTACHMENT_RULES } from './attachment.rules';
import { CATEGORY_RULES } from './category.rules';
import { CODE_LIST_RULES } from './codelist.rules';
import { DossierRule, RuleSet } from './dossier-rule';
import { RuleBundle } from './dossier-under-review';
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

/** Per bundle, the rules the official validator runs there (each rule says where: `officialIn`). */
const OFFICIAL_RULES: Record<RuleBundle, readonly DossierRule[]> = {
  OV: ALL_RULES.filter((rule) => rule.officialIn?.includes('OV')),
  PaO: ALL_RULES.filter((rule) => rule.officialIn?.includes('PaO')),
};

/**
 * The rules that judge a dossier of this bundle: in `official` exactly those the official validator
 * runs in it; in `strict` all of them (each rule still judges only its own kind of transfer).
 */
export function rulesFor(set: RuleSet, bundle: RuleBundle): readonly DossierRule[] {
  return set === 'strict' ? ALL_RULES : OFFICIAL_RULES[bundle];
}
