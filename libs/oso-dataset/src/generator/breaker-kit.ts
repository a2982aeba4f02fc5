import { PROFILE_CATEGORIES } from '../rules/category.rules';
import { DossierPlan } from './dossier-plan';
import { GeneratorError, TransferKind } from './profiles';
import { DossierRecipe } from './recipe';
import { XmlNode, find, insertOrdered } from './xml-node';

/** The dossier being broken: its tree, the plan it came from, and the blocks most breakers edit. */
export interface BreakSite {
  rule: string;
  tree: XmlNode;
  plan: DossierPlan;
  metadata: XmlNode;
  inzage: XmlNode | null;
  school: XmlNode;
  leerling: XmlNode;
}

/**
 * How to break one rule: which dossiers it applies to, what the recipe needs (say, an attachment),
 * and the edit. `edit` returns the rules that necessarily break along with it (usually none) and
 * throws a GeneratorError when this dossier has nothing to break.
 */
export interface BreakerSpec {
  rule: string;
  kinds: readonly TransferKind[];
  when?: (plan: DossierPlan) => boolean;
  adjustRecipe?: (recipe: DossierRecipe) => DossierRecipe;
  edit: (site: BreakSite) => string[] | void;
}

export const OVERSTAP: readonly TransferKind[] = ['overstapdossier'];
export const BINNEN_BRIN: readonly TransferKind[] = ['overdrachtbinnenbrin'];
export const SWV: readonly TransferKind[] = ['swv-dossier'];
export const OV_BUNDLE: readonly TransferKind[] = ['overstapdossier', 'overdrachtbinnenbrin'];
export const ANY_KIND: readonly TransferKind[] = ['overstapdossier', 'overdrachtbinnenbrin', 'swv-dossier'];

/** The kinds a rule id's prefix names: OVa overstapdossier, OVb binnen BRIN, PaO swv-dossier. */
export function kindsOfPrefix(rule: string): readonly TransferKind[] {
  if (rule.startsWith('OVa.')) return OVERSTAP;
  if (rule.startsWith('OVb.')) return BINNEN_BRIN;
  if (rule.startsWith('PaO.')) return SWV;
  return ANY_KIND;
}

/** The rule id for a kind: `OVa.LL06` in an overstapdossier is `PaO.LL06` in a swv-dossier. */
export function perKind(
  ids: Partial<Record<TransferKind, string>>,
  spec: Omit<BreakerSpec, 'rule' | 'kinds'>,
): BreakerSpec[] {
  return Object.entries(ids).map(([kind, rule]) => ({ ...spec, rule: rule!, kinds: [kind as TransferKind] }));
}

/** Child order of the pupil (leerling), as the schema lays it out, for inserting what a breaker adds. */
export const LEERLING_ORDER = [
  'voornaam',
  'voorletters-1',
  'voorvoegsel',
  'achternaam',
  'roepnaam',
  'geboortedatum',
  'geboortemaand',
  'geslacht',
  'adresgeheim',
  'adreslijst',
  'postcode4adres',
  'communicatielijst',
  'gba',
  'adresbuitenland',
  'geboorteplaats',
  'nationaliteit',
  'onderwijsnummer',
  'bsn',
  'leerlingid',
  'onderwijssinds',
  'startdatumhuidigonderwijs',
  'datuminschrijving',
  'datumuitschrijving',
  'teruggeplaatstnaarbrin',
  'leerlinggewicht',
  'nnca',
  'tehuis',
  'huisarts',
  'verzorgersaansprakelijk',
  'aansprakelijkeinstelling',
  'overstapadvies',
  'vanpeuterspeelzaal',
  'naampeuterspeelzaal',
  'voorschools',
  'vroegschools',
  'schoolloopbaanlijst',
  'onderwijsondersteuning',
  'verzuim',
  'eindtoets_basisonderwijs',
  'toetslijst',
  'cijferlijstlijst',
  'overigdocumentlijst',
  'verzorger',
  'bevorderd',
  'examenresultaat',
  'resultaatvakkenvo',
  'certificaat',
  'competenties',
  'stage',
  'overigvombo',
] as const;

export const VERZORGER_ORDER = [
  'voornaam',
  'voorletters-1',
  'voorvoegsel',
  'achternaam',
  'roepnaam',
  'geslacht',
  'adresgeheim',
  'adreslijst',
  'communicatielijst',
  'relatietotkind',
  'overleden',
  'overlijdensdatum',
  'wettigevertegenwoordiger',
  'banknummer',
  'iban',
] as const;

export const INZAGE_ORDER = [
  'voorlopigdossier',
  'inzage',
  'inzagedatum',
  'akkoord',
  'redennietakkoord',
  'toestemming',
] as const;

export function addToPupil(site: BreakSite, node: XmlNode): void {
  insertOrdered(site.leerling, node, LEERLING_ORDER);
}

/** The element, or a clear error that this dossier has nothing of the kind to break. */
export function need(site: BreakSite, node: XmlNode | null | undefined, what: string): XmlNode {
  if (!node) throw new GeneratorError(`cannot break ${site.rule}: this dossier has no ${what}`);
  return node;
}

export function needInzage(site: BreakSite): XmlNode {
  return need(site, site.inzage, 'inzage block');
}

/** Where the strict rules hold a category table for this dossier (BRK.CAT.01 judges it), or null. */
export function officialTable(plan: DossierPlan): Record<string, string[]> | null {
  return PROFILE_CATEGORIES[`${plan.kind}/${plan.facts.profile}`] ?? null;
}

/** The OS.catNN rule of a category that the dossier declares as not sent, when blocks of it get added. */
export function categoryRuleIfWithheld(plan: DossierPlan, category: string, number: string): string[] {
  const value = plan.categories[category];
  return value === 'VERBODEN' || value === 'OPT-UIT' ? [`OS.cat${number}`] : [];
}

/** The OS.catNN rule of a category that the dossier declares VERPLICHT, when its blocks get removed. */
export function categoryRuleIfRequired(plan: DossierPlan, category: string, number: string): string[] {
  return plan.categories[category] === 'VERPLICHT' ? [`OS.cat${number}`] : [];
}

export function pupilOf(tree: XmlNode): XmlNode {
  return find(tree, 'huidigeschool', 'leerling')!;
}
