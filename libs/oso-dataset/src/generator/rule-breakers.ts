import { DossierPlan } from './dossier-plan';
import { GeneratorError } from './profiles';
import { DossierRecipe } from './recipe';
import { XmlNode } from './xml-node';

export interface RuleBreaker {
  adjustRecipe(recipe: DossierRecipe): DossierRecipe;
  /** Edits the tree; returns the rules that necessarily break along. Throws when it cannot. */
  apply(tree: XmlNode, plan: DossierPlan): string[];
}

export function breakerFor(rule: string, profile: string): RuleBreaker {
  throw new GeneratorError(`rule ${rule} cannot be broken in a ${profile} dossier`);
}

export function breakableRules(profile: string): string[] {
  void profile;
  return [];
}
