import type { DossierElement } from '@app/oso-dataset';

/**
 * The Dutch label of a dossier element, for a field row, a column header or a group heading. Decided by
 * the element's name and, where a name means different things in different places, its parents.
 * SKELETON (issue #12): the vocabulary work fills in a label for every element of the schema.
 */
export function fieldLabel(element: DossierElement): string {
  return element.name;
}
