import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDossierTree, type DossierElement } from '@app/oso-dataset';

/** Test helpers of the vocabulary specs: the schema's element names and small element trees. */

export const SCHEMA_FILE = join(__dirname, '..', '..', '..', '..', '..', 'schemas', 'oso-dossier-2019.1.xsd');

/** Every element name our schema declares (local and global). */
export function schemaElementNames(): string[] {
  const schema = readFileSync(SCHEMA_FILE, 'utf8');
  return [...new Set([...schema.matchAll(/<xs:element\s+name="([^"]+)"/g)].map((match) => match[1]))].sort();
}

/** Every element of a tree, depth first. */
export function allElements(root: DossierElement): DossierElement[] {
  const found: DossierElement[] = [];
  const walk = (element: DossierElement): void => {
    found.push(element);
    element.children.forEach(walk);
  };
  walk(root);
  return found;
}

/** The first element named `name` in a tree made from an XML snippet, e.g. `<adres><nummer>1</nummer></adres>`. */
export function elementIn(xml: string, name: string): DossierElement {
  const found = allElements(readDossierTree(Buffer.from(xml, 'utf8'))).find(
    (element) => element.name === name,
  );
  if (!found) throw new Error(`no <${name}> in the snippet`);
  return found;
}

/**
 * A label reads as Dutch text, not as a technical name: not empty, a capital first, no `_`, no numbered
 * name (`voorletters-1`), no camelCase join (`documentLijst`). Hyphens of Dutch compounds ("BRIN-code",
 * "e-mail") are words, not technical joins, and stay allowed.
 */
export function looksLikeALabel(label: string): boolean {
  return (
    label.trim() === label &&
    /^[A-Z]/.test(label) &&
    !label.includes('_') &&
    !/-\d/.test(label) &&
    !/[a-z][A-Z][a-z]/.test(label)
  );
}
