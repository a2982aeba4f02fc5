import { ALL_RULES } from '../rules/all-rules';
import { BreakSite, BreakerSpec, pupilOf } from './breaker-kit';
import { ATTACHMENT_BREAKERS } from './breakers-attachments';
import { CONTENT_BREAKERS } from './breakers-content';
import { METADATA_BREAKERS } from './breakers-metadata';
import { PUPIL_BREAKERS } from './breakers-pupil';
import { dossierTree } from './dossier-document';
import { DossierPlan, planDossier } from './dossier-plan';
import { GeneratorError, defaultTransferKind } from './profiles';
import { DossierRecipe } from './recipe';
import { XmlNode, find } from './xml-node';

const BREAKERS = new Map<string, BreakerSpec[]>();
for (const spec of [...METADATA_BREAKERS, ...PUPIL_BREAKERS, ...CONTENT_BREAKERS, ...ATTACHMENT_BREAKERS]) {
  BREAKERS.set(spec.rule, [...(BREAKERS.get(spec.rule) ?? []), spec]);
}

export interface RuleBreaker {
  adjustRecipe(recipe: DossierRecipe): DossierRecipe;
  /** Edits the tree; returns the rules that necessarily break along. Throws when it cannot. */
  apply(tree: XmlNode, plan: DossierPlan): string[];
}

/** Why this rule cannot be broken in such a dossier, or the breaker. */
export function breakerFor(rule: string, recipe: DossierRecipe): RuleBreaker {
  if (!ALL_RULES.some((known) => known.id === rule))
    throw new GeneratorError(`no rule ${rule}; \`oso rules\` lists them all`);
  const kind = recipe.transferKind ?? defaultTransferKind(recipe.profile);
  const spec = BREAKERS.get(rule)?.find((candidate) => candidate.kinds.includes(kind));
  if (!spec)
    throw new GeneratorError(
      `rule ${rule} cannot be broken in a ${recipe.profile} ${kind} while the schema still holds; breakableRules('${recipe.profile}') lists those that can`,
    );
  return {
    adjustRecipe: (asked) => spec.adjustRecipe?.(asked) ?? asked,
    apply: (tree, plan) => {
      if (spec.when && !spec.when(plan))
        throw new GeneratorError(
          `rule ${rule} does not judge a ${plan.facts.profile} ${plan.kind}, so it cannot be broken there`,
        );
      const school = find(tree, 'huidigeschool')!;
      const site: BreakSite = {
        rule,
        tree,
        plan,
        metadata: find(tree, 'metadata')!,
        inzage: find(tree, 'inzage'),
        school,
        leerling: pupilOf(tree),
      };
      return [...new Set(spec.edit(site) ?? [])].filter((also) => also !== rule).sort();
    },
  };
}

const breakableByProfile = new Map<string, string[]>();

/**
 * The rule ids `breakRule` accepts for this profile's default recipe (default kind of transfer, seed
 * 1): those with a breaker that finds in that dossier what it must break. Worked out once per profile.
 */
export function breakableRules(profile: string): string[] {
  const known = breakableByProfile.get(profile);
  if (known) return [...known];
  const rules: string[] = [];
  for (const rule of ALL_RULES.map((candidate) => candidate.id)) {
    try {
      const breaker = breakerFor(rule, { profile });
      const plan = planDossier(breaker.adjustRecipe({ profile, attachments: { count: 1, bytesEach: 16 } }));
      breaker.apply(dossierTree(plan), plan);
      rules.push(rule);
    } catch (error) {
      if (!(error instanceof GeneratorError)) throw error;
    }
  }
  breakableByProfile.set(profile, rules);
  return [...rules];
}
