import { type DossierElement, child } from '@app/oso-dataset/dossier-element';
import { fieldLabel } from '../vocabulary';
import { isTrue, leafValue, secretValue } from './field-values';
import type { RenderedField, RenderedValue } from './rendered-dossier';

/** The attribute of the namespace declarations, which are not data. */
const NAMESPACE_ATTRIBUTE = /^xmlns(:|$)/;

/** A leaf's field, then one field per attribute (e.g. `land`'s `omschrijving`). */
export function leafFields(
  element: DossierElement,
  owner: DossierElement | null,
  path: string,
): RenderedField[] {
  const fields: RenderedField[] = [{ label: fieldLabel(element), value: cellValue(element, owner), path }];
  for (const name of Object.keys(element.attributes)) {
    if (NAMESPACE_ATTRIBUTE.test(name)) continue;
    fields.push({
      label: attributeLabel(element, name),
      value: { text: element.attributes[name].trim() },
      path: `${path}/@${name}`,
    });
  }
  return fields;
}

/** A leaf's value, or the secret mark for the number of a secret `communicatie`. */
function cellValue(element: DossierElement, owner: DossierElement | null): RenderedValue {
  if (element.name === 'nummer' && owner?.name === 'communicatie' && isTrue(child(owner, 'geheim'))) {
    return secretValue();
  }
  return leafValue(element);
}

function attributeLabel(element: DossierElement, attribute: string): string {
  // The vocabulary labels elements; an attribute is asked for as a child of its element.
  const asElement: DossierElement = {
    name: attribute,
    namespace: element.namespace,
    attributes: {},
    children: [],
    text: element.attributes[attribute],
    parent: element,
    offset: element.offset,
  };
  return `${fieldLabel(element)} – ${fieldLabel(asElement)}`;
}
