import { CODE_LISTS } from '../codelists';
import { ALL_CATEGORIES, PROFILE_CATEGORIES } from '../rules/category.rules';

export type TransferKind = 'overstapdossier' | 'overdrachtbinnenbrin' | 'swv-dossier';

/** Levels of education a profile names (code list 16): its first part sends, its second receives. */
export type Level = 'VS' | 'PO' | 'WEC' | 'VO' | 'MBO' | 'HBO' | 'WO' | 'SWV';

/** The profiles the 2019.1 rules admit in an overstapdossier (OVa.OS02); the others travel binnen BRIN. */
export const OVERSTAP_PROFILES: readonly string[] = ['POPO', 'POVO', 'VOVO'];
export const SWV_PROFILES: readonly string[] = ['POSWV', 'VOSWV'];

/** Every profile of code list 16 that names two levels (OVERIG names none, so it is left out). */
export const GENERATABLE_PROFILES: readonly string[] = CODE_LISTS.find(
  (list) => list.list === 16,
)!.codes.filter((code) => code !== 'OVERIG');

export interface ProfileFacts {
  profile: string;
  from: Level;
  to: Level;
  /** The pupil's age in whole years on the dossier's date, lowest and highest. */
  age: readonly [number, number];
  /** huidigeschool/soort of the sending school. */
  schoolSoort: string | undefined;
}

const LEVELS: readonly Level[] = ['SWV', 'WEC', 'MBO', 'HBO', 'VS', 'PO', 'VO', 'WO'];

function splitProfile(profile: string): [Level, Level] {
  const from = LEVELS.find((level) => profile.startsWith(level));
  const to = from && LEVELS.find((level) => profile.slice(from.length) === level);
  if (!from || !to) throw new Error(`profile ${profile} names no two levels`);
  return [from, to];
}

/** Ages at which a pupil typically makes this move. */
function agesFor(from: Level, to: Level): readonly [number, number] {
  if (from === 'VS') return [3, 4];
  if (from === 'PO' || (from === 'WEC' && ['PO', 'WEC', 'SWV'].includes(to)))
    return to === 'VO' ? [11, 12] : [6, 11];
  if (from === 'WEC' && to === 'VO') return [11, 12];
  if (to === 'MBO') return [15, 17];
  if (to === 'HBO' || to === 'WO') return [17, 18];
  return [12, 15];
}

function schoolSoortFor(from: Level, to: Level): string | undefined {
  switch (from) {
    case 'PO':
      return 'BAO';
    case 'VO':
      return 'VO';
    case 'WEC':
      // Special education sends from SO to primary or secondary levels, from VSO onwards.
      return ['PO', 'WEC', 'VO', 'SWV'].includes(to) ? 'SO' : 'VSO';
    default:
      return undefined;
  }
}

export function profileFacts(profile: string): ProfileFacts {
  if (!GENERATABLE_PROFILES.includes(profile)) {
    throw new GeneratorError(
      `profile ${profile} cannot be generated; choose one of ${GENERATABLE_PROFILES.join(', ')}`,
    );
  }
  const [from, to] = splitProfile(profile);
  return { profile, from, to, age: agesFor(from, to), schoolSoort: schoolSoortFor(from, to) };
}

export function defaultTransferKind(profile: string): TransferKind {
  if (SWV_PROFILES.includes(profile)) return 'swv-dossier';
  return OVERSTAP_PROFILES.includes(profile) ? 'overstapdossier' : 'overdrachtbinnenbrin';
}

/** A recipe the generator cannot turn into a dossier (or not into one that breaks what was asked). */
export class GeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratorError';
  }
}

/** Whether the standard's rules admit this kind of transfer for this profile; why not, otherwise. */
export function kindMisfit(profile: string, kind: TransferKind): string | null {
  if (kind === 'swv-dossier')
    return SWV_PROFILES.includes(profile)
      ? null
      : `a swv-dossier has profile POSWV or VOSWV, not ${profile} (PaO.SO03)`;
  if (SWV_PROFILES.includes(profile)) return `profile ${profile} is a swv-dossier, not an ${kind} (PaO.SO03)`;
  if (kind === 'overstapdossier' && !OVERSTAP_PROFILES.includes(profile))
    return `the 2019.1 rules admit an overstapdossier only for POPO, POVO and VOVO, not ${profile} (OVa.OS02); generate it as overdrachtbinnenbrin`;
  return null;
}

export type CategoryTable = Record<string, readonly string[]>;
const CHOICE = ['OPTIONEEL', 'OPT-UIT'] as const;

/**
 * Which values each category may take. Where the strict rules hold a table for the kind and profile
 * (BRK.CAT.01) it is that one; otherwise ours, from what the move is: core data and the parents'
 * inzage always, pre-school data only towards primary levels, the eindtoets only from primary to
 * secondary, the VO-MBO results only towards MBO, HBO or WO; the rest is the school's choice.
 */
export function categoryTable(kind: TransferKind, facts: ProfileFacts): CategoryTable {
  const official = PROFILE_CATEGORIES[`${kind}/${facts.profile}`];
  if (official) return official;
  const { from, to } = facts;
  const earlyYears = (from === 'VS' || from === 'PO' || from === 'WEC') && ['PO', 'WEC', 'SWV'].includes(to);
  const eindtoets = (from === 'PO' || from === 'WEC') && to === 'VO';
  const vombo = ['MBO', 'HBO', 'WO'].includes(to);
  const fixed: Record<string, string> = {
    cat_metadata: 'VERPLICHT',
    cat_ouderinzage: 'VERPLICHT',
    cat_school: 'VERPLICHT',
    cat_leerling: 'VERPLICHT',
    cat_oudersverzorgers: 'VERPLICHT',
    ...(earlyYears ? {} : { cat_vve: 'VERBODEN' }),
    ...(eindtoets ? {} : { cat_eindtoetsbo: 'VERBODEN' }),
    ...(vombo ? {} : { cat_vombo: 'VERBODEN' }),
  };
  return Object.fromEntries(
    ALL_CATEGORIES.map((category) => [category, fixed[category] ? [fixed[category]] : [...CHOICE]]),
  );
}

/** The categories a school (with the parents) may leave out of this dossier: those with OPT-UIT allowed. */
export function optOutCategories(table: CategoryTable): string[] {
  return ALL_CATEGORIES.filter((category) => table[category].includes('OPT-UIT'));
}
