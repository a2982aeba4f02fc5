import type { DossierElement } from '@app/oso-dataset/dossier-element';
import { ATTACHMENT_ELEMENT } from './dossier-attachments';
import type { WalkContext } from './dossier-walk';
import { leafFields } from './leaf-fields';
import type { RenderedField, RenderedTable, RenderedValue } from './rendered-dossier';

/** The schema's wrappers of repeated elements are named `…lijst` (adreslijst, documentLijst). */
const LIST_NAME = /lijst$/i;

/** Repeated elements of one kind whose fields are all leaves, one of each name: one row each. */
export function tableOf(
  items: readonly DossierElement[],
  paths: readonly string[],
  caption: string,
  context: WalkContext,
): RenderedTable {
  const columnIndex = new Map<string, number>();
  const columns: string[] = [];
  const rows: RenderedValue[][] = [];
  items.forEach((item, index) => {
    const row: RenderedValue[] = [];
    for (const field of itemFields(item, paths[index], context)) {
      const key = field.path.slice(paths[index].length);
      let column = columnIndex.get(key);
      if (column === undefined) {
        column = columns.length;
        columnIndex.set(key, column);
        columns.push(field.label);
      }
      row[column] = field.value;
    }
    rows.push(row);
  });
  // Items without a field of a later column get an empty cell: every row as wide as the header.
  for (const row of rows) {
    for (let column = 0; column < columns.length; column++) row[column] ??= { text: '' };
  }
  return { kind: 'table', caption, columns, rows };
}

function itemFields(item: DossierElement, path: string, context: WalkContext): RenderedField[] {
  const fields: RenderedField[] = [];
  for (const kid of item.children) {
    if (context.claimedElsewhere(kid)) continue;
    fields.push(...leafFields(kid, item, `${path}/${kid.name}`));
  }
  return fields;
}

/** Nested, with only leaves below, each name once: a table row. Asked often, so without allocating. */
export function isFlat(element: DossierElement): boolean {
  const kids = element.children;
  if (kids.length === 0 || element.name === ATTACHMENT_ELEMENT) return false;
  for (let index = 0; index < kids.length; index++) {
    if (kids[index].children.length > 0) return false;
    for (let before = 0; before < index; before++) {
      if (kids[before].name === kids[index].name) return false;
    }
  }
  return true;
}

/**
 * A list of flat items (adreslijst, schoolloopbaanlijst, domeinen…): an element holding only elements of
 * one name, all flat, and either named a list or holding more than one. A single flat child of another
 * element (one referentiescore in a resultaat) stays a group, as it does beside other children.
 */
export function isListOfFlatItems(element: DossierElement, kids: readonly DossierElement[]): boolean {
  if (kids.length === 0 || (kids.length === 1 && !LIST_NAME.test(element.name))) return false;
  const name = kids[0].name;
  return kids.every((kid) => kid.name === name && isFlat(kid)) && element.children.length === kids.length;
}
