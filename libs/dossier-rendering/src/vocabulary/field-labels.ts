import type { DossierElement } from '@app/oso-dataset';
import { CATEGORY_ORDER, CATEGORY_TITLES } from './categories';
import { CONTEXT_LABELS } from './label-overrides';
import { PEOPLE_AND_SCHOOL_LABELS } from './labels-people-and-school';
import { SUPPORT_AND_RESULTS_LABELS } from './labels-support-and-results';

/** Every label by name; a name in both tables would be a mistake, which the spec catches. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  ...PEOPLE_AND_SCHOOL_LABELS,
  ...SUPPORT_AND_RESULTS_LABELS,
  // The release table names each category by its category element: the category's own title.
  ...Object.fromEntries(CATEGORY_ORDER.map((category) => [category, CATEGORY_TITLES[category]])),
};

const byName = new Map(Object.entries(FIELD_LABELS));
const byContext = new Map(Object.entries(CONTEXT_LABELS));

/**
 * The Dutch label of a dossier element, for a field row, a column header or a group heading. Decided by
 * the element's name and, where a name means different things in different places, its parent.
 */
export function fieldLabel(element: DossierElement): string {
  if (element.parent) {
    const inContext = byContext.get(`${element.parent.name}/${element.name}`);
    if (inContext !== undefined) return inContext;
  }
  return byName.get(element.name) ?? readableName(element.name);
}

/**
 * A name outside the schema (a newer standard's element) still gets a readable label rather than the
 * raw name: word separators become spaces, first letter capital. Every name our schema declares has its
 * own label in the tables.
 */
export function readableName(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Onbekend veld';
}
