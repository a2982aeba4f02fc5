import { dossierTree } from './dossier-document';
import { planDossier } from './dossier-plan';
import { GeneratorError, profileFacts } from './profiles';
import { DossierRecipe, GeneratedDossier } from './recipe';
import { breakerFor } from './rule-breakers';
import { serializeDossier } from './xml-node';

/**
 * A synthetic OSO 2019.1 dossier from a recipe: valid under the schema and the strict rules, or,
 * with `breakRule`, breaking exactly that rule (and what necessarily breaks with it, `alsoBroken`).
 */
export function generateDossier(recipe: DossierRecipe): GeneratedDossier {
  profileFacts(recipe.profile);
  const breaker = recipe.breakRule === undefined ? null : breakerFor(recipe.breakRule, recipe);
  const plan = planDossier(breaker ? breaker.adjustRecipe(recipe) : recipe);
  const tree = dossierTree(plan);
  const alsoBroken = breaker ? breaker.apply(tree, plan) : [];
  const { pupil, school } = plan;
  return {
    xml: serializeDossier(tree),
    profile: plan.facts.profile,
    transferKind: plan.kind,
    pupil: {
      ...(pupil.bsn !== undefined ? { bsn: pupil.bsn } : {}),
      ...(pupil.onderwijsnummer !== undefined ? { onderwijsnummer: pupil.onderwijsnummer } : {}),
      geboortedatum: pupil.geboortedatum,
    },
    school: { brin: school.brin, vestiging: school.vestiging },
    date: plan.datum,
    ...(recipe.breakRule !== undefined ? { brokenRule: recipe.breakRule } : {}),
    ...(alsoBroken.length ? { alsoBroken } : {}),
  };
}

export { GeneratorError };
