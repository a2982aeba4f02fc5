/**
 * The categories of `categorie_uitlevering` in the standard's order: the order the rendering shows them in.
 * SKELETON (issue #12): titles and reasons are filled in by the vocabulary work.
 */
export const CATEGORY_ORDER = [
  'cat_metadata',
  'cat_ouderinzage',
  'cat_school',
  'cat_leerling',
  'cat_oudersverzorgers',
  'cat_vve',
  'cat_schoolloopbaan',
  'cat_overstapadvies',
  'cat_onderwijsondersteuning',
  'cat_verzuim',
  'cat_eindtoetsbo',
  'cat_toetsresultaten',
  'cat_handelingsplannen',
  'cat_cijferlijsten',
  'cat_vombo',
  'cat_bijlagedocs',
] as const;
export type CategoryName = (typeof CATEGORY_ORDER)[number];

/** Dutch title of a category, e.g. "Overstapadvies". */
export function categoryTitle(category: CategoryName): string {
  return category;
}

/** Dutch sentence for a category that was not sent, with the reason its delivery value gives. */
export function notSentNotice(category: CategoryName, delivery: 'VERBODEN' | 'OPT-UIT'): string {
  return `${categoryTitle(category)}: niet meegestuurd (${delivery}).`;
}
