import { ALL_CATEGORIES } from '../rules/category.rules';
import { passesElfproef, syntheticBrin, syntheticBsn, syntheticOnderwijsnummer } from './pupil-numbers';
import {
  CategoryTable,
  GeneratorError,
  ProfileFacts,
  TransferKind,
  categoryTable,
  defaultTransferKind,
  kindMisfit,
  optOutCategories,
  profileFacts,
} from './profiles';
import { DossierRecipe } from './recipe';
import { SeededRandom, addDays, isCalendarDate } from './seeded-random';

/** Default attachment: one text file of this many bytes, enough to look like a short report. */
export const DEFAULT_ATTACHMENT_BYTES = 1024;
/** The oldest school year a default dossier date falls in; the newest is two later. */
const FIRST_DEFAULT_SCHOOL_YEAR = 2022;

export interface InzagePlan {
  voorlopig: boolean;
  inzage: boolean;
  datum?: string;
  akkoord?: string;
  remarks?: string | true;
  toestemming?: string;
}

/** The recipe with every choice made: what the builders read. */
export interface DossierPlan {
  random: SeededRandom;
  facts: ProfileFacts;
  kind: TransferKind;
  datum: string;
  table: CategoryTable;
  /** The value each category is declared with. */
  categories: Record<string, string>;
  pupil: { bsn?: string; onderwijsnummer?: string; geboortedatum: string };
  school: { brin: string; vestiging: string; soort: string | undefined };
  inzage: InzagePlan;
  secretAddress: boolean;
  attachments: { count: number; bytesEach: number };
}

export function planDossier(recipe: DossierRecipe): DossierPlan {
  const facts = profileFacts(recipe.profile);
  const kind = recipe.transferKind ?? defaultTransferKind(recipe.profile);
  const misfit = kindMisfit(recipe.profile, kind);
  if (misfit) throw new GeneratorError(misfit);
  const seed = recipe.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new GeneratorError('seed must be a whole number');
  const random = new SeededRandom(seed);

  const datum = recipe.date ?? defaultDate(random.fork('date'), facts);
  if (!isCalendarDate(datum)) throw new GeneratorError('date must be a calendar date as YYYY-MM-DD');
  const pupil = planPupil(recipe, random.fork('pupil'), facts, datum);
  const school = planSchool(recipe, random.fork('school'), facts);
  const table = categoryTable(kind, facts);
  const categories = planCategories(recipe, table);
  const attachments = {
    count: recipe.attachments?.count ?? 1,
    bytesEach: recipe.attachments?.bytesEach ?? DEFAULT_ATTACHMENT_BYTES,
  };
  if (!Number.isInteger(attachments.count) || attachments.count < 0)
    throw new GeneratorError('attachments.count must be a whole number, 0 or more');
  if (!Number.isInteger(attachments.bytesEach) || attachments.bytesEach < 1)
    throw new GeneratorError('attachments.bytesEach must be a whole number, 1 or more');
  if (recipe.attachments?.count && !sends(categories.cat_bijlagedocs))
    throw new GeneratorError(
      `attachments travel in cat_bijlagedocs, which is ${categories.cat_bijlagedocs} in this dossier`,
    );
  if (!sends(categories.cat_bijlagedocs)) attachments.count = 0;

  return {
    random,
    facts,
    kind,
    datum,
    table,
    categories,
    pupil,
    school,
    inzage: planInzage(recipe, random.fork('inzage'), facts, kind, datum),
    secretAddress: recipe.secretAddress ?? false,
    attachments,
  };
}

/** A category whose data the dossier carries. */
export function sends(value: string | undefined): boolean {
  return value === 'VERPLICHT' || value === 'OPTIONEEL';
}

/**
 * A school day in one of three past school years. A move to secondary school is prepared in spring,
 * after the eindtoets; one after VO once the exams are in; other moves happen all year.
 */
function defaultDate(random: SeededRandom, facts: ProfileFacts): string {
  const schoolYear = FIRST_DEFAULT_SCHOOL_YEAR + random.int(0, 2);
  if (facts.to === 'VO' && (facts.from === 'PO' || facts.from === 'WEC'))
    return addDays(`${schoolYear + 1}-04-25`, random.int(0, 60));
  // A move on to MBO, HBO or WO follows the exam results of mid-June.
  if (['MBO', 'HBO', 'WO'].includes(facts.to)) return addDays(`${schoolYear + 1}-06-20`, random.int(0, 30));
  return addDays(`${schoolYear}-09-15`, random.int(0, 280));
}

function planPupil(
  recipe: DossierRecipe,
  random: SeededRandom,
  facts: ProfileFacts,
  datum: string,
): DossierPlan['pupil'] {
  const given = recipe.pupil ?? {};
  if (given.bsn !== undefined && given.onderwijsnummer !== undefined)
    throw new GeneratorError('give the pupil a bsn or an onderwijsnummer, not both');
  // Never repeat a given number in an error: it is personal data.
  if (given.bsn !== undefined && !passesElfproef(given.bsn))
    throw new GeneratorError('pupil.bsn must be 9 digits that pass the elfproef');
  if (given.onderwijsnummer !== undefined && !/^[0-9]{9}$/.test(given.onderwijsnummer))
    throw new GeneratorError('pupil.onderwijsnummer must be 9 digits');
  const [youngest, oldest] = facts.age;
  const age = random.int(youngest, oldest);
  const geboortedatum =
    given.geboortedatum ??
    addDays(`${Number(datum.slice(0, 4)) - age - 1}${datum.slice(4)}`, random.int(1, 364));
  if (!isCalendarDate(geboortedatum))
    throw new GeneratorError('pupil.geboortedatum must be a date as YYYY-MM-DD');
  if (geboortedatum >= datum)
    throw new GeneratorError('pupil.geboortedatum must lie before the dossier date');
  if (given.bsn !== undefined) return { bsn: given.bsn, geboortedatum };
  if (given.onderwijsnummer !== undefined) return { onderwijsnummer: given.onderwijsnummer, geboortedatum };
  return recipe.identifiedBy === 'onderwijsnummer'
    ? { onderwijsnummer: syntheticOnderwijsnummer(random), geboortedatum }
    : { bsn: syntheticBsn(random), geboortedatum };
}

function planSchool(recipe: DossierRecipe, random: SeededRandom, facts: ProfileFacts): DossierPlan['school'] {
  const brin = recipe.school?.brin ?? syntheticBrin(random);
  const vestiging = recipe.school?.vestiging ?? `0${random.int(0, 3)}`;
  if (!/^[0-9]{2}[A-Z]{2}$/.test(brin))
    throw new GeneratorError('school.brin must be two digits and two capitals');
  if (!/^[0-9]{2}$/.test(vestiging)) throw new GeneratorError('school.vestiging must be two digits');
  const soort = recipe.school?.soort ?? facts.schoolSoort;
  const misfit =
    (facts.from === 'PO' && SECONDARY_SCHOOL_SOORTEN.includes(soort ?? '')) ||
    (facts.from === 'VO' && PRIMARY_SCHOOL_SOORTEN.includes(soort ?? '')) ||
    (facts.from === 'WEC' && ![undefined, 'SO', 'VSO'].includes(soort));
  if (misfit)
    throw new GeneratorError(`a ${facts.profile} dossier is not sent by a school of soort ${soort}`);
  return { brin, vestiging, soort };
}

/** Kinds of school (huidigeschool/soort) by level: they must fit the level the profile sends from. */
const PRIMARY_SCHOOL_SOORTEN = ['BAO', 'SBO', 'SO'];
const SECONDARY_SCHOOL_SOORTEN = ['VO', 'VSO'];

function planCategories(recipe: DossierRecipe, table: CategoryTable): Record<string, string> {
  const optional = optOutCategories(table);
  let optedOut: string[] = [];
  if (recipe.optOut === true) optedOut = optional;
  else if (Array.isArray(recipe.optOut)) {
    optedOut = recipe.optOut.map((name) => (name.startsWith('cat_') ? name : `cat_${name}`));
    const unknown = optedOut.filter((category) => !ALL_CATEGORIES.includes(category));
    if (unknown.length) throw new GeneratorError(`no such category: ${unknown.join(', ')}`);
    const fixed = optedOut.filter((category) => !optional.includes(category));
    if (fixed.length)
      throw new GeneratorError(
        `a dossier of this profile has ${fixed.map((category) => `${category} ${table[category][0]}`).join(', ')}, which no opt-out changes; it may opt out of ${optional.join(', ')}`,
      );
  }
  return Object.fromEntries(
    ALL_CATEGORIES.map((category) => {
      const allowed = table[category];
      if (optedOut.includes(category)) return [category, 'OPT-UIT'];
      return [category, allowed.includes('OPTIONEEL') ? 'OPTIONEEL' : allowed[0]];
    }),
  );
}

function planInzage(
  recipe: DossierRecipe,
  random: SeededRandom,
  facts: ProfileFacts,
  kind: TransferKind,
  datum: string,
): InzagePlan {
  const asked = recipe.inzage ?? {};
  const seen = asked.inzage ?? true;
  if (!seen && kind === 'overstapdossier')
    throw new GeneratorError(
      'an overstapdossier is sent only after the parents had inzage (OVa.IZ02); use breakRule OVa.IZ02 for one without',
    );
  const remarks =
    asked.remarks === true ? true : typeof asked.remarks === 'string' ? asked.remarks : undefined;
  const akkoord = asked.akkoord ?? (remarks !== undefined ? 'Nee' : 'Ja');
  if (akkoord === 'Nee' && asked.remarks === false)
    throw new GeneratorError(
      'akkoord Nee needs the parents’ reason (BRK.IZ.01); leave remarks on, or use breakRule BRK.IZ.01',
    );
  if (asked.datum !== undefined && !isCalendarDate(asked.datum))
    throw new GeneratorError('inzage.datum must be a date as YYYY-MM-DD');
  if (asked.datum !== undefined && asked.datum > datum)
    throw new GeneratorError(
      'inzage.datum lies after the dossier date: the parents must see the dossier that is sent (BRK.META.02)',
    );
  // Consent is what a secondary (or VSO) school needs before it sends; a primary school needs none.
  const sendsFromSecondary = facts.from === 'VO' || (facts.from === 'WEC' && facts.schoolSoort === 'VSO');
  const toestemming = asked.toestemming ?? (sendsFromSecondary ? 'Ja' : undefined);
  if (!seen) return { voorlopig: asked.voorlopig ?? false, inzage: false, toestemming };
  return {
    voorlopig: asked.voorlopig ?? false,
    inzage: true,
    datum: asked.datum ?? addDays(datum, -random.int(1, 12)),
    akkoord,
    remarks: akkoord === 'Nee' && asked.remarks !== false ? (remarks ?? true) : remarks,
    toestemming,
  };
}
