import type { DossierElement } from '@app/oso-dataset';

/**
 * The meaning of a coded value (advice level, relation to the child, test code…) in Dutch, to show next to
 * the code; null when the element is not a coded field (its text is shown as it is).
 * SKELETON (issue #12): the vocabulary work fills in the meanings of every OSO code list.
 */
export function codeMeaning(_element: DossierElement, _code: string): string | null {
  return null;
}
