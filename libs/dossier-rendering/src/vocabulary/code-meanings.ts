import { endsWithPath, type DossierElement } from '@app/oso-dataset';
import { CODE_LISTS } from '@app/oso-dataset/codelists';
import { CODE_MEANINGS } from './code-meaning-tables';

/** A coded field: the location suffix (field named last, under the parents named before it) and its list. */
interface CodedField {
  readonly list: number;
  readonly suffix: readonly string[];
}

/**
 * Coded fields the broker does not check but whose code list the standard names, so their codes can still
 * be explained: the kind of partial dossier (list 33), and the year a pupil moved up to, which takes the
 * school-year codes of list 13 like every `jaargroep`.
 */
export const EXTRA_CODED_FIELDS: readonly CodedField[] = [
  { list: 33, suffix: ['metadata', 'deeldossier'] },
  { list: 13, suffix: ['bevorderd', 'leerjaar'] },
];

/** Meanings as maps: a code such as `constructor` must not find an object's built-in property. */
const meaningsByList = new Map(
  Object.entries(CODE_MEANINGS).map(([list, meanings]) => [Number(list), new Map(Object.entries(meanings))]),
);

/** Coded fields by the name they end in, so a lookup checks only the few locations that could match. */
const fieldsByName = new Map<string, CodedField[]>();
for (const field of [
  ...CODE_LISTS.flatMap((codeList) => codeList.fields.map(({ suffix }) => ({ list: codeList.list, suffix }))),
  ...EXTRA_CODED_FIELDS,
]) {
  const name = field.suffix[field.suffix.length - 1];
  fieldsByName.set(name, [...(fieldsByName.get(name) ?? []), field]);
}

/** The code list an element draws from, decided by its location exactly as the code-list rules do; or null. */
export function codeListOf(element: DossierElement): number | null {
  const candidates = fieldsByName.get(element.name);
  if (!candidates) return null;
  for (const field of candidates) if (endsWithPath(element, field.suffix)) return field.list;
  return null;
}

/**
 * The meaning of a coded value (advice level, relation to the child, test code…) in Dutch, to show next to
 * the code; null when the element is not a coded field, and also when it is but the code has no
 * established meaning (see `CODES_WITHOUT_KNOWN_MEANING`) or is not in its list: then the code stands alone.
 */
export function codeMeaning(element: DossierElement, code: string): string | null {
  const list = codeListOf(element);
  if (list === null) return null;
  return meaningsByList.get(list)?.get(code.trim()) ?? null;
}
