import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DossierElement, child, pathOf } from '../../libs/oso-dataset/src/dossier-element';
import { readDossierTree } from '../../libs/oso-dataset/src/read-dossier-tree';
import type { RenderingChoice } from '../../libs/dossier-rendering/src/rendering-choice';

/**
 * What a rendering of a dossier must show and must not show, worked out from the XML on its own (its own
 * walk and its own reading of the schema's types; none of the renderer's code), so that a renderer that
 * forgets a field, or shows one it must not, is caught. Shared by the HTML, PDF and CLI suites.
 *
 * Texts are whitespace-normalised (`normalizeText`): compare them with the rendering's text normalised
 * the same way, since a value may wrap.
 */
export interface FieldText {
  /** Where the value sits (`/dossier/huidigeschool/leerling/voornaam[2]`, `…/land/@omschrijving`). */
  path: string;
  text: string;
}

const REPO_ROOT = join(__dirname, '..', '..');
const SCHEMA_FILE = join(REPO_ROOT, 'schemas', 'oso-dossier-2019.1.xsd');

/** Hidden texts shorter than this are left out of `hiddenFieldTexts`: "a", "12" or "werk" occur anywhere. */
export const MIN_HIDDEN_CHARACTERS = 5;
/** How much of an attachment's base64 text is checked for: enough to be unmistakable. */
const BASE64_PROBE_CHARACTERS = 64;

const ADDRESS_ELEMENTS = ['adreslijst', 'postcode4adres', 'adresbuitenland'];
const CONTACT_ELEMENTS = [...ADDRESS_ELEMENTS, 'communicatielijst'];

/** Collapses runs of whitespace to one space and trims: how texts are compared with a rendering. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

let schemaTypes: { dates: Set<string>; booleans: Set<string> } | null = null;

/**
 * The element names the schema types as xs:date or xs:boolean (directly, through a named simple type
 * restricting one, or through an anonymous one), read from schemas/oso-dossier-2019.1.xsd.
 */
export function schemaValueTypes(): { dates: ReadonlySet<string>; booleans: ReadonlySet<string> } {
  if (schemaTypes) return schemaTypes;
  const xsd = readFileSync(SCHEMA_FILE, 'utf8');
  const baseOf = new Map<string, string>();
  for (const match of xsd.matchAll(/<xs:simpleType name="([^"]+)"[^>]*>\s*<xs:restriction base="([^"]+)"/g)) {
    baseOf.set(`oso:${match[1]}`, match[2]);
  }
  const dates = new Set<string>();
  const booleans = new Set<string>();
  const note = (name: string, type: string) => {
    const base = baseOf.get(type) ?? type;
    if (base === 'xs:date') dates.add(name);
    if (base === 'xs:boolean') booleans.add(name);
  };
  for (const match of xsd.matchAll(/<xs:element name="([^"]+)"[^>]*?type="([^"]+)"/g))
    note(match[1], match[2]);
  for (const match of xsd.matchAll(
    /<xs:element name="([^"]+)"[^>]*>\s*<xs:simpleType>\s*<xs:restriction base="([^"]+)"/g,
  )) {
    note(match[1], match[2]);
  }
  schemaTypes = { dates, booleans };
  return schemaTypes;
}

/** A leaf's text as a rendering shows it: dates dd-mm-jjjj, booleans ja/nee, everything else as is. */
function shownText(element: DossierElement): string {
  const text = normalizeText(element.text);
  const { dates, booleans } = schemaValueTypes();
  if (dates.has(element.name)) {
    const match = /^(\d{4,})-(\d{2})-(\d{2})(.*)$/.exec(text);
    if (match) return normalizeText(`${match[3]}-${match[2]}-${match[1]} ${match[4]}`);
  }
  if (booleans.has(element.name)) {
    if (text === 'true' || text === '1') return 'ja';
    if (text === 'false' || text === '0') return 'nee';
  }
  return text;
}

function flagged(element: DossierElement | null, name: string): boolean {
  const text = child(element, name)?.text.trim();
  return text === 'true' || text === '1';
}

interface Split {
  visible: FieldText[];
  hidden: FieldText[];
}

function split(xml: Buffer | string, choice: RenderingChoice): Split {
  const root = readDossierTree(Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8'));
  const verzorgers: DossierElement[] = [];
  const collect = (element: DossierElement) => {
    if (element.name === 'verzorger') verzorgers.push(element);
    element.children.forEach(collect);
  };
  collect(root);
  if (choice.form === 'for-verzorger' && !verzorgers[choice.verzorger - 1]) {
    throw new Error(`no verzorger at position ${choice.verzorger}`);
  }
  const withoutSpecial = choice.form === 'without-special-categories';
  const result: Split = { visible: [], hidden: [] };

  const visit = (element: DossierElement, hidden: boolean) => {
    const parent = element.parent;
    const leftOut =
      hidden ||
      (withoutSpecial && element.name === 'document') ||
      (withoutSpecial && element.name === 'onderwijsondersteuning' && parent?.name === 'leerling') ||
      (ADDRESS_ELEMENTS.includes(element.name) && flagged(parent, 'adresgeheim')) ||
      (choice.form === 'for-verzorger' &&
        CONTACT_ELEMENTS.includes(element.name) &&
        parent !== null &&
        verzorgers.includes(parent) &&
        parent !== verzorgers[choice.verzorger - 1]) ||
      (element.name === 'nummer' && parent?.name === 'communicatie' && flagged(parent, 'geheim'));
    if (element.children.length > 0) {
      for (const kid of element.children) visit(kid, leftOut);
      return;
    }
    const path = pathOf(element);
    if (element.name === 'bestandsinhoud') {
      const probe = element.text.replace(/\s+/g, '').slice(0, BASE64_PROBE_CHARACTERS);
      if (probe) result.hidden.push({ path, text: probe });
      return;
    }
    const target = leftOut ? result.hidden : result.visible;
    const text = shownText(element);
    if (text) target.push({ path, text });
    for (const [name, value] of Object.entries(element.attributes)) {
      if (/^xmlns(:|$)/.test(name)) continue;
      const attributeText = normalizeText(value);
      if (attributeText) target.push({ path: `${path}/@${name}`, text: attributeText });
    }
  };
  visit(root, false);
  return result;
}

/**
 * The shown text of every leaf field (and attribute) a rendering in this form must show, with its path:
 * everything but attachment contents, secret values and what the form leaves out.
 */
export function visibleFieldTexts(
  xml: Buffer | string,
  choice: RenderingChoice = { form: 'complete' },
): FieldText[] {
  return split(xml, choice).visible;
}

/**
 * The texts a rendering in this form must NOT contain: secret values, what the form leaves out, the
 * attachments' base64 (a prefix of each). Texts that also legitimately appear (inside a visible value)
 * and very short ones are dropped, so that every text left is a fair check.
 */
export function hiddenFieldTexts(xml: Buffer | string, choice: RenderingChoice): FieldText[] {
  const { visible, hidden } = split(xml, choice);
  const shown = visible.map((field) => field.text).join('\n');
  const seen = new Set<string>();
  return hidden.filter((field) => {
    if (field.text.length < MIN_HIDDEN_CHARACTERS || seen.has(field.text) || shown.includes(field.text)) {
      return false;
    }
    seen.add(field.text);
    return true;
  });
}
