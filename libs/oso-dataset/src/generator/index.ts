export { generateDossier, GeneratorError } from './generate-dossier';
export type { DossierRecipe, GeneratedDossier } from './recipe';
export { GENERATABLE_PROFILES, type TransferKind } from './profiles';
export { breakableRules } from './rule-breakers';
export {
  passesElfproef,
  passesOnderwijsnummerProef,
  syntheticBsn,
  syntheticOnderwijsnummer,
} from './pupil-numbers';
export { SeededRandom } from './seeded-random';
