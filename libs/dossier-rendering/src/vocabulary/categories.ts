import { CATEGORY_ORDER, type CategoryName } from '@app/oso-dataset/category-locations';

/** The order the rendering shows the categories in: the standard's (`categorie_uitlevering`). */
export { CATEGORY_ORDER, type CategoryName };

/** Titles a parent and a mentor understand; abbreviations are spelled out once. */
export const CATEGORY_TITLES: Readonly<Record<CategoryName, string>> = {
  cat_metadata: 'Over dit dossier',
  cat_ouderinzage: 'Inzage door ouders',
  cat_school: 'School',
  cat_leerling: 'Leerling',
  cat_oudersverzorgers: 'Ouders en verzorgers',
  cat_vve: 'Voor- en vroegschoolse educatie (VVE)',
  cat_schoolloopbaan: 'Schoolloopbaan',
  cat_overstapadvies: 'Overstapadvies',
  cat_onderwijsondersteuning: 'Onderwijsondersteuning',
  cat_verzuim: 'Verzuim',
  cat_eindtoetsbo: 'Eindtoets basisonderwijs',
  cat_toetsresultaten: 'Toetsresultaten',
  cat_handelingsplannen: 'Handelingsplannen',
  cat_cijferlijsten: 'Cijferlijsten',
  cat_vombo: 'Resultaten voortgezet onderwijs (voor het mbo)',
  cat_bijlagedocs: 'Overige bijlagen',
};

/**
 * Why a category is absent, per delivery value. VERBODEN is the standard's data minimisation for this kind
 * of transfer; OPT-UIT is the sending school's own choice not to send it.
 */
const NOT_SENT_REASONS: Readonly<Record<'VERBODEN' | 'OPT-UIT', string>> = {
  VERBODEN: 'bij deze soort overstap mag deze categorie niet worden meegestuurd (dataminimalisatie)',
  'OPT-UIT': 'de school heeft ervoor gekozen deze categorie niet mee te sturen (opt-out)',
};

/** Dutch title of a category, e.g. "Overstapadvies". */
export function categoryTitle(category: CategoryName): string {
  return CATEGORY_TITLES[category];
}

/** Dutch sentence for a category that was not sent, with the reason its delivery value gives. */
export function notSentNotice(category: CategoryName, delivery: 'VERBODEN' | 'OPT-UIT'): string {
  return `${categoryTitle(category)}: niet meegestuurd, want ${NOT_SENT_REASONS[delivery]}.`;
}
